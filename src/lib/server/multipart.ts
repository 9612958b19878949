// A multipart/form-data body read as it arrives: text fields in memory, the one file part
// streamed to a temporary file while it is hashed, so a 40 MB upload never sits in memory
// (request.formData() holds the body, then the File, then every copy made from it).
import { createHash } from 'node:crypto';
import { open, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export interface UploadedFile {
	/** The temporary file; removed by StreamedForm.dispose(). */
	path: string;
	/** The name the browser gave ('' when none was chosen). */
	name: string;
	size: number;
	/** SHA-256 of the bytes, lower-case hex. */
	sha256: string;
	/** The first bytes (up to 64 KiB), to tell the format without reading the file again. */
	head: Uint8Array;
}

export interface StreamedForm {
	fields: Map<string, string>;
	file: UploadedFile | null;
	/** Removes the temporary file; safe to call more than once. */
	dispose(): Promise<void>;
}

/** The body is not a multipart form this reader can read (a 400). */
export class MultipartError extends Error {
	override name = 'MultipartError';
}

/** The file part grew past the limit: reading stopped there and nothing was kept. */
export class UploadTooLargeError extends Error {
	override name = 'UploadTooLargeError';
	constructor(readonly limitBytes: number) {
		super(`upload larger than ${limitBytes} bytes`);
	}
}

const HEAD_BYTES = 64 * 1024;
/** Text fields are small (a hash, a token): anything larger is not this form. */
const MAX_FIELD_BYTES = 64 * 1024;
const MAX_HEADER_BYTES = 16 * 1024;
const CRLF = Buffer.from('\r\n');
const HEADERS_END = Buffer.from('\r\n\r\n');

export function isMultipart(contentType: string | null): boolean {
	return /^multipart\/form-data\s*;/i.test(contentType ?? '');
}

function boundaryOf(contentType: string): string {
	const match = /;\s*boundary=(?:"([^"]+)"|([^;\s]+))/i.exec(contentType);
	const boundary = match?.[1] ?? match?.[2];
	if (!boundary || boundary.length > 200) throw new MultipartError('no boundary');
	return boundary;
}

function dispositionOf(headerText: string): { name: string; filename: string | null } {
	const line = headerText
		.split('\r\n')
		.find((l) => /^content-disposition\s*:/i.test(l))
		?.replace(/^content-disposition\s*:/i, '');
	if (!line) throw new MultipartError('part without content-disposition');
	const param = (key: string) => {
		const match = new RegExp(`;\\s*${key}="((?:[^"\\\\]|\\\\.)*)"`, 'i').exec(line);
		if (match) return match[1].replace(/\\(.)/g, '$1').replace(/%22/g, '"');
		return new RegExp(`;\\s*${key}=([^;\\s]+)`, 'i').exec(line)?.[1] ?? null;
	};
	const name = param('name');
	if (name === null) throw new MultipartError('part without a name');
	return { name, filename: param('filename') };
}

/**
 * Reads the body of a multipart form. The part named `fileField` (the first one, if sent
 * twice) goes to a temporary file in os.tmpdir(); a file part larger than `maxFileBytes`
 * stops the reading with UploadTooLargeError. Whatever goes wrong, no temporary file stays.
 */
export async function readMultipartStreaming(
	request: Request,
	fileField: string,
	maxFileBytes: number
): Promise<StreamedForm> {
	const contentType = request.headers.get('content-type') ?? '';
	if (!isMultipart(contentType) || !request.body) throw new MultipartError('not multipart');
	const delimiter = Buffer.from(`\r\n--${boundaryOf(contentType)}`);
	const directory = await mkdtemp(join(tmpdir(), 'levee-upload-'));
	const dispose = () => rm(directory, { recursive: true, force: true });
	const fields = new Map<string, string>();
	let file: UploadedFile | null = null;

	// The first delimiter has no CRLF before it: pretend it had.
	let pending: Buffer = Buffer.from(CRLF);
	let state: 'preamble' | 'headers' | 'field' | 'file' | 'skip' | 'done' = 'preamble';
	let fieldName = '';
	let fieldBytes: Buffer[] = [];
	let fieldSize = 0;
	let handle: Awaited<ReturnType<typeof open>> | null = null;
	let hash = createHash('sha256');
	let head: Buffer[] = [];
	let headSize = 0;
	let fileName = '';
	let fileSize = 0;

	const partData = async (chunk: Buffer) => {
		if (chunk.length === 0) return;
		if (state === 'field') {
			fieldSize += chunk.length;
			if (fieldSize > MAX_FIELD_BYTES) throw new MultipartError('field too large');
			fieldBytes.push(chunk);
		} else if (state === 'file') {
			fileSize += chunk.length;
			if (fileSize > maxFileBytes) throw new UploadTooLargeError(maxFileBytes);
			hash.update(chunk);
			if (headSize < HEAD_BYTES) {
				const part = chunk.subarray(0, HEAD_BYTES - headSize);
				head.push(Buffer.from(part));
				headSize += part.length;
			}
			await handle!.write(chunk);
		}
	};
	const partEnd = async () => {
		if (state === 'field') fields.set(fieldName, Buffer.concat(fieldBytes).toString('utf8'));
		if (state === 'file') {
			await handle!.close();
			handle = null;
			file = {
				path: join(directory, 'upload'),
				name: fileName,
				size: fileSize,
				sha256: hash.digest('hex'),
				head: new Uint8Array(Buffer.concat(head))
			};
		}
	};
	const partStart = async (headerText: string) => {
		const { name, filename } = dispositionOf(headerText);
		if (filename === null) {
			if (fields.has(name)) {
				state = 'skip';
				return;
			}
			state = 'field';
			fieldName = name;
			fieldBytes = [];
			fieldSize = 0;
		} else if (name === fileField && file === null && handle === null) {
			state = 'file';
			fileName = filename;
			fileSize = 0;
			hash = createHash('sha256');
			head = [];
			headSize = 0;
			handle = await open(join(directory, 'upload'), 'w', 0o600);
		} else {
			state = 'skip';
		}
	};

	/** Consumes what it can of `pending`; true once the closing delimiter has been read. */
	const consume = async (): Promise<boolean> => {
		for (;;) {
			if (state === 'done') return true;
			if (state === 'headers') {
				const end = pending.indexOf(HEADERS_END);
				if (end < 0) {
					if (pending.length > MAX_HEADER_BYTES) throw new MultipartError('headers too long');
					return false;
				}
				await partStart(pending.subarray(0, end).toString('utf8'));
				pending = pending.subarray(end + HEADERS_END.length);
				continue;
			}
			const at = pending.indexOf(delimiter);
			if (at < 0) {
				// Keep a tail that may be the start of the delimiter.
				const keep = Math.min(pending.length, delimiter.length + 1);
				if (state !== 'preamble') await partData(pending.subarray(0, pending.length - keep));
				pending = pending.subarray(pending.length - keep);
				return false;
			}
			// The delimiter must be followed by CRLF (next part) or "--" (the end).
			if (pending.length < at + delimiter.length + 2) return false;
			if (state !== 'preamble') {
				await partData(pending.subarray(0, at));
				await partEnd();
			}
			const after = pending.subarray(at + delimiter.length, at + delimiter.length + 2);
			if (after.toString('latin1') === '--') {
				state = 'done';
				return true;
			}
			if (!after.equals(CRLF)) throw new MultipartError('malformed delimiter');
			pending = pending.subarray(at + delimiter.length + 2);
			state = 'headers';
		}
	};

	try {
		const reader = request.body.getReader();
		let ended = false;
		try {
			while (!ended) {
				const { done, value } = await reader.read();
				if (done) break;
				// Copying only the small tail: a chunk is usually 16–64 KiB.
				pending = pending.length === 0 ? Buffer.from(value) : Buffer.concat([pending, value]);
				ended = await consume();
			}
		} finally {
			reader.releaseLock();
		}
		if (!ended) throw new MultipartError('body ended before the closing delimiter');
		return { fields, file, dispose };
	} catch (caught) {
		await (handle as Awaited<ReturnType<typeof open>> | null)?.close().catch(() => {});
		await dispose();
		throw caught;
	}
}
