/**
 * The error every slotmatch package throws for bad input: it names the thing at fault (a file, an
 * argument, a tensor) and the rule that it broke, so a user can fix the input without reading code.
 *
 *   throw new InputError('pred/bike/00003.png', 'frame size 854×480 does not match the ground truth 910×480');
 *   // → Error message: "pred/bike/00003.png: frame size 854×480 does not match the ground truth 910×480"
 */
export class InputError extends Error {
  /** The file, argument or tensor at fault. */
  readonly subject: string;
  /** The rule it broke. */
  readonly rule: string;

  constructor(subject: string, rule: string, options?: { cause?: unknown }) {
    super(`${subject}: ${rule}`, options);
    this.name = 'InputError';
    this.subject = subject;
    this.rule = rule;
  }
}
