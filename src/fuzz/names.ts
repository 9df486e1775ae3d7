/** The fuzzer's property names (`fuzz.<name>` rows), in a module of their own so the CLI can list them without loading fast-check. */
export const FUZZ_PROPERTIES = ['requests', 'requests-boundary', 'requests-undocumented', 'sequences', 'eventually-stopped', 'rate-limit'] as const;

/** One property's name. */
export type FuzzPropertyName = (typeof FUZZ_PROPERTIES)[number];
