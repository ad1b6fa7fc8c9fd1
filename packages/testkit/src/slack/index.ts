export * from './stub';
export { checkSlackMessage, type SlackProblem } from './validate';
