import { describe, expect, it } from 'vitest';
import { describeConnectionError, describePostgresTarget } from '../../src/lib/server/db/errors';
import { redact } from '../../src/lib/server/logger';
import { everydayVillageName } from '../../src/lib/server/divisions/names';

describe('one-line start-up messages', () => {
	it('names host, port and database but never the password', () => {
		expect(describePostgresTarget('postgres://u:hunter2@db.example:6543/levee')).toBe(
			'at db.example:6543, database "levee"'
		);
		expect(describePostgresTarget('not a url')).toMatch(/not a valid/);
	});

	it('turns driver codes into reasons', () => {
		expect(describeConnectionError({ code: 'ECONNREFUSED' })).toMatch(/connection refused/);
		expect(describeConnectionError({ code: '3D000', message: 'x' })).toBe(
			'the database does not exist'
		);
		expect(describeConnectionError(new Error('first line\nsecond'))).toBe('first line');
	});
});

describe('the logger', () => {
	it('masks identity numbers in any text it writes', () => {
		expect(redact('member 11010519491231002X saved')).toBe('member 110105********002X saved');
	});
});

describe('village names', () => {
	it('says the village, not its committee', () => {
		expect(everydayVillageName('连枣林村民委员会')).toBe('连枣林村');
		expect(everydayVillageName('东代固居民委员会')).toBe('东代固社区');
		expect(everydayVillageName('张庄')).toBe('张庄');
		expect(everydayVillageName('卞村村民委员会')).toBe('卞村');
	});
});
