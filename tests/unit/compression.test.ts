import { gunzipSync, brotliDecompressSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { handleCompression, pickEncoding, shouldCompress } from '../../src/lib/server/compression';

const html = `<!doctype html><html><body>${'<p>我家的收入账</p>'.repeat(200)}</body></html>`;

function answer(body: string | null, headers: Record<string, string>, status = 200) {
	return new Response(body, { status, headers });
}

async function compressed(accept: string | null, response: Response, method = 'GET') {
	const request = new Request('http://localhost/my', {
		method,
		headers: accept ? { 'accept-encoding': accept } : {}
	});
	const handle = handleCompression as unknown as (input: {
		event: { request: Request };
		resolve: () => Promise<Response>;
	}) => Promise<Response>;
	return handle({ event: { request }, resolve: async () => response });
}

describe('compressing what the server renders', () => {
	it('prefers brotli, then gzip, and honours q=0', () => {
		expect(pickEncoding('gzip, deflate, br, zstd')).toBe('br');
		expect(pickEncoding('gzip')).toBe('gzip');
		expect(pickEncoding('br;q=0, gzip')).toBe('gzip');
		expect(pickEncoding('identity')).toBeNull();
		expect(pickEncoding(null)).toBeNull();
	});

	it('sends a page brotli-compressed that decompresses to the same page', async () => {
		const out = await compressed('br, gzip', answer(html, { 'content-type': 'text/html' }));
		expect(out.headers.get('content-encoding')).toBe('br');
		expect(out.headers.get('vary')).toMatch(/Accept-Encoding/);
		const bytes = Buffer.from(await out.arrayBuffer());
		expect(bytes.length).toBeLessThan(Buffer.byteLength(html) / 5);
		expect(brotliDecompressSync(bytes).toString()).toBe(html);
	});

	it('sends JSON gzipped to a client without brotli', async () => {
		const json = JSON.stringify({ entries: Array.from({ length: 100 }, (_, i) => ({ i })) });
		const out = await compressed(
			'gzip',
			answer(json, { 'content-type': 'application/json', vary: 'Cookie' })
		);
		expect(out.headers.get('content-encoding')).toBe('gzip');
		expect(out.headers.get('vary')).toBe('Cookie, Accept-Encoding');
		expect(gunzipSync(Buffer.from(await out.arrayBuffer())).toString()).toBe(json);
	});

	it('leaves event streams, downloads, encoded, tiny and HEAD answers alone', () => {
		const get = new Request('http://localhost/x');
		const type = (t: string, more: Record<string, string> = {}) =>
			answer(html, { 'content-type': t, ...more });
		expect(shouldCompress(get, type('text/event-stream'))).toBe(false);
		expect(shouldCompress(get, type('image/png'))).toBe(false);
		expect(shouldCompress(get, type('text/csv', { 'content-disposition': 'attachment' }))).toBe(
			false
		);
		expect(shouldCompress(get, type('text/html', { 'content-encoding': 'br' }))).toBe(false);
		expect(shouldCompress(get, type('text/html', { 'content-length': '200' }))).toBe(false);
		expect(
			shouldCompress(new Request('http://localhost/x', { method: 'HEAD' }), type('text/html'))
		).toBe(false);
		expect(shouldCompress(get, answer(null, { 'content-type': 'text/html' }, 204))).toBe(false);
		expect(shouldCompress(get, type('text/html; charset=utf-8'))).toBe(true);
	});
});
