/**
 * Bad input of this example: names the folder or file at fault and the rule it broke, in the
 * `"<subject>: <rule>"` form of @slotmatch/core's InputError (this example depends on
 * @slotmatch/metrics alone, so it carries its own class; errors thrown by the metrics themselves
 * are core InputErrors with the same shape).
 */
export class EvaluationInputError extends Error {
  readonly subject: string;
  readonly rule: string;

  constructor(subject: string, rule: string, options?: { cause?: unknown }) {
    super(`${subject}: ${rule}`, options);
    this.name = 'InputError';
    this.subject = subject;
    this.rule = rule;
  }
}
