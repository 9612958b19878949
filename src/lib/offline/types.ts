// Shapes shared by the phone's outbox and the sync endpoint's answers (kept free of server
// imports: this file ships to the browser).

export type SyncKind = 'picking' | 'wage' | 'plot' | 'visit';
export type SyncStatus = 'accepted' | 'duplicate' | 'conflict' | 'rejected';

export interface SyncAnswer {
	id: string;
	status: SyncStatus;
	reason?: string;
	errors?: Record<string, string>;
	record?: unknown;
	receivedAt: string;
}

export interface RosterPicker {
	memberId: string;
	name: string;
	villageCode: string;
	idTail: string;
	band: 1 | 2 | 3;
	stationIds: string[];
	adultOn?: string;
}

export interface RosterPlotHousehold {
	id: string;
	householdNumber: string;
	headName: string;
	villageCode: string;
	people: { name: string; idTail: string }[];
}

export interface RosterStation {
	id: string;
	name: string;
	villageCode: string;
	villageName: string;
	townshipName: string;
}

export interface Roster {
	person: { userId: string; name: string; role: string };
	refreshedAt: string;
	today: string;
	picking: {
		stations: RosterStation[];
		season: { year: number; startsOn: string; endsOn: string; pickingRateFenPerKg: number } | null;
		ceilingGrams: number;
		villages: Record<string, string>;
		pickers: RosterPicker[];
	} | null;
	plots: {
		seedlingsPerMu: number;
		villages: Record<string, string>;
		households: RosterPlotHousehold[];
	} | null;
	visits: {
		villages: Record<string, string>;
		households: {
			id: string;
			headName: string;
			villageCode: string;
			address: string | null;
			monitoringStatus: string;
			openWarnings: string[];
		}[];
	} | null;
	wages:
		| {
				factoryId: string;
				factoryName: string;
				month: string;
				lines: {
					jobId: string;
					name: string;
					idTail: string;
					jobTitle: string;
					amountFen: number | null;
					version: number | null;
				}[];
		  }[]
		| null;
}
