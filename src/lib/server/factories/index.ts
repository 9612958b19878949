// The micro-factory program (扶贫微工厂): the county's registry of factories, the owners'
// hires and departures, the monthly wage sheets that post to each household's income
// ledger, and the numbers the owner and the county read from them.

export { canManageWorkers, managedFactory, visibleFactory } from './access';
export * from './registry';
export * from './jobs';
export * from './wages';
export * from './reports';
export { exportFactories } from './export';
export { wageLedgerDetails, type WageLedgerDetail } from './ledger-details';
export { FACTORY_STATUSES, PAY_BASES, type FactoryStatus, type PayBasis } from './schema';
