import { randomFillSync } from 'node:crypto';
import { v7 as uuidv7, validate, version } from 'uuid';

// Random bytes for ids drawn from a pool: the uuid package asks the system for 16 bytes per
// id, which was the largest single cost of a county import (a million ids: a minute).
const pool = new Uint8Array(16 * 4096);
let poolAt = pool.length;
// The same monotonic clock and counter the uuid package keeps for its own v7 ids.
const clock = { msecs: -Infinity, seq: 0 };

/** A new record id: UUIDv7, so ids sort by creation time and a phone can make its own. */
export function newId(): string {
	if (poolAt + 16 > pool.length) {
		randomFillSync(pool);
		poolAt = 0;
	}
	const random = pool.subarray(poolAt, (poolAt += 16));
	const now = Date.now();
	if (now > clock.msecs) {
		clock.msecs = now;
		clock.seq = ((random[6] & 0x7f) << 24) | (random[7] << 16) | (random[8] << 8) | random[9];
	} else {
		clock.seq = (clock.seq + 1) | 0;
		if (clock.seq === 0) clock.msecs++;
	}
	return uuidv7({ random, msecs: clock.msecs, seq: clock.seq });
}

export function isUuid(value: unknown): value is string {
	return typeof value === 'string' && validate(value);
}

/** Client-made ids must be UUIDv7 too, so that replays and retries are recognised. */
export function isUuidV7(value: unknown): value is string {
	return isUuid(value) && version(value) === 7;
}
