export {};
export * from './eks/index';
export * from './ecr/index';
