export * from './sigv4';
export * from './faults';
export * from './ecr';
export * from './eks';
export * from './aws';
