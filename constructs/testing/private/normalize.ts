/**
 * Removes what changes from run to run or machine to machine without changing what gets deployed:
 * asset hashes, CDK metadata, the bootstrap version check. Everything else is kept as synthesized.
 */

/** A CloudFormation template as JSON. */
export type TemplateJson = Record<string, unknown> & {
  Resources?: Record<string, { Type: string; Properties?: Record<string, unknown>; Metadata?: Record<string, unknown> }>;
};

/** Stands in for an asset hash (SHA-256 of the asset's contents). */
export const ASSET_HASH = '<asset-hash>';

/** Lambda `currentVersion` logical ids end in a hash of the function's configuration, code included. */
const VERSION_ID = /([A-Za-z0-9]*Version)[0-9A-F]{8}[0-9a-f]{32}/g;
/** Asset hashes (S3 keys, ECR image tags, custom-resource handler hashes). */
const SHA256 = /(?<![0-9a-f])[0-9a-f]{64}(?![0-9a-f])/g;

/** Replaces hashes in every string (keys included) of a JSON value. */
export function normalizeHashes<T>(value: T): T {
  return JSON.parse(JSON.stringify(value).replace(VERSION_ID, '$1<hash>').replace(SHA256, ASSET_HASH)) as T;
}

/**
 * A template without the CDK's bookkeeping: the `CDKMetadata` resource and its condition, the
 * `BootstrapVersion` parameter and `CheckBootstrapVersion` rule, `aws:cdk:*` and `aws:asset:*`
 * resource metadata; then with hashes normalized. The input is not modified.
 */
export function normalizeTemplate(template: TemplateJson): TemplateJson {
  const copy = JSON.parse(JSON.stringify(template)) as TemplateJson;
  const drop = (section: string, key: string) => {
    const entries = copy[section] as Record<string, unknown> | undefined;
    if (entries && key in entries) {
      delete entries[key];
      if (Object.keys(entries).length === 0) {
        delete copy[section];
      }
    }
  };
  drop('Resources', 'CDKMetadata');
  drop('Conditions', 'CDKMetadataAvailable');
  drop('Parameters', 'BootstrapVersion');
  drop('Rules', 'CheckBootstrapVersion');
  for (const resource of Object.values(copy.Resources ?? {})) {
    if (resource.Metadata) {
      for (const key of Object.keys(resource.Metadata)) {
        if (key.startsWith('aws:cdk:') || key.startsWith('aws:asset:')) {
          delete resource.Metadata[key];
        }
      }
      if (Object.keys(resource.Metadata).length === 0) {
        delete resource.Metadata;
      }
    }
  }
  return normalizeHashes(copy);
}
