/** Why a payload was refused: a human sentence and where in the payload (a JSON Pointer, a header, a field). */
export interface PayloadProblem {
  path: string;
  message: string;
}
