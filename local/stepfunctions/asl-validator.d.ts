/** asl-validator 4 ships no declarations; only the call this folder makes is declared. */
declare module 'asl-validator' {
  interface AslValidatorError {
    readonly 'Error code': string;
    readonly Message: string;
  }
  interface AslValidatorResult {
    readonly isValid: boolean;
    readonly errors: readonly AslValidatorError[];
    errorsText(separator?: string): string;
  }
  /** Note: it writes QueryLanguage into every state of the definition it is given. */
  function aslValidator(
    definition: unknown,
    options?: { checkPaths?: boolean; checkArn?: boolean },
  ): AslValidatorResult;
  export default aslValidator;
}
