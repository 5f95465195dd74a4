export * from './wait';
export * from './ports';
export * from './fixture';
export * from './test-client';
export * from './self-descriptions';
