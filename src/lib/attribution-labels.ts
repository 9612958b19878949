import { m } from '$lib/paraglide/messages';
import { ledgerSourceName, ledgerSubtypeName } from './labels';

/** A program of the attribution ('factory_wage', 'manual:dibao', 'none') in words. */
export function programName(program: string): string {
	if (program === 'none') return m.attribution_program_none();
	if (program.startsWith('manual:'))
		return m.attribution_other({ what: ledgerSubtypeName(program.slice('manual:'.length)) });
	return ledgerSourceName(program);
}
