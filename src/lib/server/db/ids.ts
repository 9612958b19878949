import { v7 as uuidv7, validate, version } from 'uuid';

/** A new record id: UUIDv7, so ids sort by creation time and a phone can make its own. */
export function newId(): string {
	return uuidv7();
}

export function isUuid(value: unknown): value is string {
	return typeof value === 'string' && validate(value);
}

/** Client-made ids must be UUIDv7 too, so that replays and retries are recognised. */
export function isUuidV7(value: unknown): value is string {
	return isUuid(value) && version(value) === 7;
}
