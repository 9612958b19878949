import { describe, expect, it } from 'vitest';
import { safeRedirectPath } from '../../src/lib/server/redirect';

const ORIGIN = 'https://levee.example.gov.cn';

describe('safeRedirectPath', () => {
	it.each([
		['/', '/'],
		['/households', '/households'],
		['/households?village=130434108068&page=2', '/households?village=130434108068&page=2'],
		['/households/abc#members', '/households/abc#members'],
		['/planting/weigh?q=%E7%8E%8B', '/planting/weigh?q=%E7%8E%8B'],
		['/农户', '/%E5%86%9C%E6%88%B7']
	])('keeps the path on this site %s', (target, expected) => {
		expect(safeRedirectPath(target, ORIGIN)).toBe(expected);
	});

	// Hostile values as they arrive after the query string or form is decoded once.
	const hostile = [
		'//evil.example',
		'//evil.example/path',
		'///evil.example',
		'/\\evil.example',
		'\\\\evil.example',
		'/\t/evil.example',
		'/\n/evil.example',
		'/\r\n/evil.example',
		'/\u0000/evil.example',
		'/\u007f/evil.example',
		'/%09/evil.example',
		'/%0A/x',
		'/%0d%0aSet-Cookie:x=1',
		'/%5Cevil.example',
		'/%2F/evil.example',
		'/%2f%2fevil.example',
		'/.//evil.example',
		'/..//evil.example',
		'/./\\evil.example',
		'https://evil.example',
		'http://levee.example.gov.cn.evil.example/',
		'HTTPS://evil.example',
		'https:evil.example',
		'javascript:alert(1)',
		'JavaScript:alert(document.cookie)',
		' javascript:alert(1)',
		'data:text/html,<script>alert(1)</script>',
		'evil.example',
		'households',
		'?next=//evil',
		'%2F%2Fevil.example',
		'/%E0%A4%A',
		'',
		'/' + 'a'.repeat(3000)
	];
	it.each(hostile)('sends %j home', (target) => {
		expect(safeRedirectPath(target, ORIGIN)).toBe('/');
	});

	it('sends a missing value home', () => {
		expect(safeRedirectPath(null, ORIGIN)).toBe('/');
		expect(safeRedirectPath(undefined, ORIGIN)).toBe('/');
	});

	it('never answers with anything a browser would take to another site', () => {
		for (const target of hostile) {
			const answer = safeRedirectPath(target, ORIGIN);
			expect(new URL(answer, ORIGIN).origin).toBe(ORIGIN);
			expect(answer.startsWith('//')).toBe(false);
		}
	});
});
