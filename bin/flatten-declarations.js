/**
 * Part of `npm run build`: removes zod from the published declarations. The model's types are
 * derived from zod schemas in the source (`z.output<typeof ownersSchema>`), but a user's compiler
 * must not read zod's declarations: they need `esModuleInterop` or the DOM's `URL` with the
 * tsconfigs `cdk init` and `cdk8s init` write. Each zod type in a `.d.ts` is replaced by the plain
 * type it stands for, as the compiler prints it; schema constants become `unknown` (they are the
 * validator's internals; `validateDefinition` is the API). Fails when any zod reference is left.
 */
const fs = require('node:fs');
const path = require('node:path');
const ts = require('typescript');

const PRINT = ts.TypeFormatFlags.NoTruncation | ts.TypeFormatFlags.UseAliasDefinedOutsideCurrentScope;

function fromZod(symbol) {
  return (symbol?.declarations ?? []).some((d) => /[\\/]node_modules[\\/]zod[\\/]/.test(d.getSourceFile().fileName));
}

/** A named type as the file at `at` can write it: by name when in scope, else `import("./x").Name`. */
function reference(symbol, at) {
  const declaration = symbol.declarations?.[0];
  const here = at.getSourceFile();
  if (!declaration) return symbol.name;
  const there = declaration.getSourceFile();
  if (there === here || there.hasNoDefaultLib || /[\\/]typescript[\\/]lib[\\/]/.test(there.fileName)) return symbol.name;
  let specifier = path.relative(path.dirname(here.fileName), there.fileName).replace(/\.d\.ts$/, '').split(path.sep).join('/');
  if (!specifier.startsWith('.')) specifier = `./${specifier}`;
  return `import("${specifier}").${symbol.name}`;
}

/**
 * Prints a type with every zod alias expanded: object shapes property by property, unions member
 * by member; named types of our own (classes, interfaces, enums, plain aliases) by name.
 */
function printType(checker, type, at, depth = 0) {
  if (depth > 30) throw new Error(`type too deep to print: ${checker.typeToString(type, at, PRINT).slice(0, 120)}`);
  const print = (t) => printType(checker, t, at, depth + 1);
  if (checker.isArrayType(type)) {
    const element = print(checker.getTypeArguments(type)[0]);
    return /[|&]/.test(element) ? `(${element})[]` : `${element}[]`;
  }
  if (checker.isTupleType(type)) return `[${checker.getTypeArguments(type).map(print).join(', ')}]`;
  if (type.aliasSymbol && !fromZod(type.aliasSymbol)) {
    const args = type.aliasTypeArguments ?? [];
    return reference(type.aliasSymbol, at) + (args.length > 0 ? `<${args.map(print).join(', ')}>` : '');
  }
  if (type.flags & ts.TypeFlags.EnumLiteral && type.symbol) {
    // The whole enum, or one member of it.
    return type.symbol.flags & ts.SymbolFlags.EnumMember ? `${reference(type.symbol.parent, at)}.${type.symbol.name}` : reference(type.symbol, at);
  }
  if (type.symbol && !fromZod(type.symbol) && type.symbol.flags & (ts.SymbolFlags.Class | ts.SymbolFlags.Interface | ts.SymbolFlags.Enum)) {
    const args = type.objectFlags & ts.ObjectFlags.Reference ? checker.getTypeArguments(type) : [];
    return reference(type.symbol, at) + (args.length > 0 ? `<${args.map(print).join(', ')}>` : '');
  }
  if (type.isUnion()) {
    const parts = type.types.map(print);
    const bool = parts.includes('true') && parts.includes('false');
    const out = [...new Set(parts.filter((p) => !bool || (p !== 'true' && p !== 'false')))];
    if (bool) out.splice(out.includes('undefined') ? out.indexOf('undefined') : out.length, 0, 'boolean');
    return out.join(' | ');
  }
  if (type.flags & ts.TypeFlags.Object && checker.getSignaturesOfType(type, ts.SignatureKind.Call).length === 0) {
    const members = checker.getPropertiesOfType(type).map((p) => {
      const optional = p.flags & ts.SymbolFlags.Optional ? '?' : '';
      const name = /^[A-Za-z_$][\w$]*$/.test(p.name) ? p.name : JSON.stringify(p.name);
      return `${name}${optional}: ${print(checker.getTypeOfSymbolAtLocation(p, at))}`;
    });
    for (const info of checker.getIndexInfosOfType(type)) {
      members.push(`[key: ${checker.typeToString(info.keyType)}]: ${print(info.type)}`);
    }
    return `{ ${members.join('; ')}${members.length ? ';' : ''} }`;
  }
  return checker.typeToString(type, at, PRINT);
}

function declarationFiles(dir) {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const file = path.join(dir, entry.name);
    return entry.isDirectory() ? declarationFiles(file) : file.endsWith('.d.ts') ? [file] : [];
  });
}

function importsZod(sourceFile) {
  return sourceFile.statements.some((s) => ts.isImportDeclaration(s) && s.moduleSpecifier.text === 'zod');
}

/** Rewrites the declarations under `outDir`; returns the files changed and the types that became `unknown`. */
function flattenDeclarations(outDir) {
  // The program holds the declarations that import zod and what they import: the rest (the
  // constructs' declarations, which pull in aws-cdk-lib's) change nothing here and cost ~10 s of CPU.
  const files = declarationFiles(outDir).filter((file) => /from ['"]zod['"]/.test(fs.readFileSync(file, 'utf8')));
  const program = ts.createProgram(files, {
    module: ts.ModuleKind.Node16,
    moduleResolution: ts.ModuleResolutionKind.Node16,
    target: ts.ScriptTarget.ES2022,
    strict: true,
    noEmit: true,
    skipLibCheck: true,
    types: ['node'],
    // The output directory may be outside the project (a staged build): resolve packages from here.
    paths: { '*': [path.join(__dirname, '..', 'node_modules', '*')] },
    typeRoots: [path.join(__dirname, '..', 'node_modules', '@types')],
  });
  const checker = program.getTypeChecker();
  const changed = [];
  const notes = [];
  for (const file of files) {
    const sourceFile = program.getSourceFile(file);
    if (!sourceFile || !importsZod(sourceFile)) continue;
    const edits = [];
    const visit = (node) => {
      if (ts.isImportDeclaration(node) && node.moduleSpecifier.text === 'zod') {
        edits.push({ start: node.getFullStart(), end: node.getEnd(), text: '' });
        return;
      }
      if (ts.isVariableDeclaration(node) && node.type && /\bz\./.test(node.type.getText(sourceFile))) {
        edits.push({ start: node.type.getStart(sourceFile), end: node.type.getEnd(), text: 'unknown' });
        return;
      }
      if (ts.isTypeNode(node) && (ts.isTypeReferenceNode(node) || ts.isTypeQueryNode(node)) && /^z\./.test(node.getText(sourceFile))) {
        const type = checker.getTypeFromTypeNode(node);
        let text;
        try {
          text = printType(checker, type, node);
        } catch (error) {
          if (!/too deep/.test(error.message)) throw error;
        }
        // zod's own structures (an issue, with its schema instance) have no plain shape worth printing.
        if (text === undefined || /\bz\.|\$strict|\$Zod|Zod[A-Z]/.test(text)) {
          text = 'unknown';
          notes.push(`${path.relative(outDir, file)}: ${node.getText(sourceFile)} is published as unknown`);
        }
        edits.push({ start: node.getStart(sourceFile), end: node.getEnd(), text });
        return;
      }
      ts.forEachChild(node, visit);
    };
    ts.forEachChild(sourceFile, visit);
    let text = sourceFile.getFullText();
    for (const edit of edits.sort((a, b) => b.start - a.start)) {
      text = text.slice(0, edit.start) + edit.text + text.slice(edit.end);
    }
    changed.push({ file, text });
  }
  // Write after every type was read: the printed types may come from files changed here too.
  for (const { file, text } of changed) fs.writeFileSync(file, text);
  const left = declarationFiles(outDir).filter((file) => /from ['"]zod['"]|import\(['"]zod['"]\)|\bz\.[A-Za-z$]/.test(fs.readFileSync(file, 'utf8')));
  if (left.length > 0) {
    throw new Error(`zod is still referenced by ${left.map((f) => path.relative(outDir, f)).join(', ')}`);
  }
  return { files: changed.map((c) => c.file), notes };
}

module.exports = { flattenDeclarations };
