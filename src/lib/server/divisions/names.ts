// The statistics bureau names a village by its committee; people say the village's name.
const COMMITTEE_SUFFIXES: [string, string][] = [
	['村民委员会', '村'], // villagers' committee → village
	['居民委员会', '社区'], // residents' committee → community
	['村委会', '村'] // short form of the same
];

/** "连枣林村民委员会" → "连枣林村", the name a clerk writes. */
export function everydayVillageName(officialName: string): string {
	for (const [suffix, replacement] of COMMITTEE_SUFFIXES) {
		if (officialName.endsWith(suffix) && officialName.length > suffix.length) {
			const stem = officialName.slice(0, -suffix.length);
			// 卞村村民委员会 is 卞村, not 卞村村.
			return stem.endsWith(replacement) ? stem : stem + replacement;
		}
	}
	return officialName;
}
