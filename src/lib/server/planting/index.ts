// Honeysuckle planting (金银花): seasons and rates, plots, per-mu subsidies, weigh-ins at
// the weighing stations and their payment. Money reaches households' income ledgers only
// through the income domain's posting functions, in the transaction that pays it.

export * from './seasons';
export * from './stations';
export * from './plots';
export * from './subsidies';
export * from './picking';
export * from './payments';
export * from './dashboard';
export * from './household';
export { isProgramStaff } from './access';
export * from './ledger-details';
