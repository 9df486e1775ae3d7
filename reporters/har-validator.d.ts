/** Minimal typing of har-validator 5's promise API the HAR test uses (the package ships no types). */
declare module 'har-validator' {
  /** Resolves (with the document) for a valid HAR document; rejects with an error listing the schema violations otherwise. */
  export function har(data: unknown): Promise<unknown>;
}
