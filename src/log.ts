/**
 * Structured logs: one JSON line per capture stage, so Workers observability
 * can answer "where did the 40 s go". Callers pass only ids, stages and
 * timings; secrets never reach this function.
 */
export type LogFields = Record<string, string | number | boolean | null | undefined>;

export function logEvent(event: string, fields: LogFields): void {
	console.log(JSON.stringify({ event, ...fields }));
}

/**
 * Times the stages of one operation, one line per stage when it ends:
 * `stageMs` is how long that stage took, `totalMs` the time since the start.
 */
export class StageTimer {
	private readonly event: string;
	private readonly fields: LogFields;
	private readonly start = Date.now();
	private last = this.start;
	private running: string | undefined;

	constructor(event: string, fields: LogFields) {
		this.event = event;
		this.fields = fields;
	}

	/** Logs a stage that has just ended (it ran since the previous line). */
	done(stage: string, fields: LogFields = {}): void {
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

	/** Starts `stage`, ending (and logging) the one that was running. */
	begin(stage: string): void {
		if (this.running !== undefined) this.done(this.running);
		this.running = stage;
	}

	/** Ends the running stage, if any. */
	finish(fields: LogFields = {}): void {
		if (this.running !== undefined) this.done(this.running, fields);
		this.running = undefined;
	}
}
