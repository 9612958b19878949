// Every domain's tables, gathered for drizzle-kit and the typed database handle.
export * from '../divisions/schema';
export * from '../audit/schema';
export * from '../households/schema';
export * from '../auth/schema';
export * from '../monitoring/schema';
export * from '../income/schema';
export * from '../settings/schema';
export * from '../factories/schema';
export * from '../planting/schema';
export * from '../warnings/schema';
export * from '../warnings/nightly-schema';
export * from './maintenance-schema';
