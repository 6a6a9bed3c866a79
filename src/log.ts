/**
 * Structured logs: one JSON line per capture stage, so Workers observability
 * can answer "where did the 40 s go". Callers pass only ids, stages and
 * timings; secrets never reach this function.
 */
export type LogFields = Record<string, string | number | boolean | null | undefined>;

export function logEvent(event: string, fields: LogFields): void {
	console.log(JSON.stringify({ event, ...fields }));
}

/** Times the stages of one operation; each `stage()` logs the time since the previous one. */
export class StageTimer {
	private readonly event: string;
	private readonly fields: LogFields;
	private readonly start = Date.now();
	private last = this.start;

	constructor(event: string, fields: LogFields) {
		this.event = event;
		this.fields = fields;
	}

	stage(stage: string, fields: LogFields = {}): void {
		const now = Date.now();
		logEvent(this.event, {
			...this.fields,
			stage,
			stageMs: now - this.last,
			totalMs: now - this.start,
			...fields,
		});
		this.last = now;
	}
}
