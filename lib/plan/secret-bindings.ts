/**
 * The environment variable a function reads a secret's ARN from: `DB_PASSWORD` → `DB_PASSWORD_SECRET_ARN`.
 * Functions get the ARN (never the value) and read the secret at run time; containers get the value
 * in the variable itself. The one place the name is formed.
 */
export function secretArnVariable(envVar: string): string {
  return `${envVar}_SECRET_ARN`;
}

/**
 * The variable a workload of this kind receives a secret in: the value under `envVar` in a
 * container, the ARN under `<envVar>_SECRET_ARN` in a function.
 */
export function secretVariable(envVar: string, isFunction: boolean): string {
  return isFunction ? secretArnVariable(envVar) : envVar;
}
