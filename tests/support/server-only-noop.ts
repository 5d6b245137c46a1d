// Vitest runs lib/ outside React Server Components, where the real "server-only" package throws by
// design. This stand-in keeps the import meaningful in the app and harmless in tests.
export {};
