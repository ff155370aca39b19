// Stable data-testid values. End-to-end tests (tests/tests/*.rs) and unit tests
// select elements through these, never through CSS structure. Renaming one
// means updating the Rust tests too.
export const TestId = {
  AppTitle: 'app-title',
  AppSubtitle: 'app-subtitle',
  AppVersion: 'app-version',
  AppDataDir: 'app-data-dir',
  AppStore: 'app-store',
  AppInfoError: 'app-info-error',
  LanguageToggle: 'language-toggle',
} as const;

export type TestId = (typeof TestId)[keyof typeof TestId];
