export * from './token';
export * from './access';
