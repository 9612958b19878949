import type { Db } from '../db';
import { longRunning } from '../db/long';
import type { UserActor } from '../auth/actor';
import { recordAudit } from '../audit';
import { DomainError } from '../errors';
import { m } from '../../paraglide/messages';
import { monitoredHouseholdChunks, monitoredHouseholdsReport } from './households';
import { insuranceFundsReport } from './insurance-funds';
import { paymentsReport } from './payments';
import { programSummaryReport } from './program-summary';
import { readsReports, reportScope, type ReportParams } from './scope';
import { warningsReport } from './warnings';
import { writeReportXlsx, type LongTable } from './xlsx';
import type { Report } from './types';

export type { Report, ReportTable, ReportColumn, ReportCell } from './types';
export type { ReportParams } from './scope';
export { readsReports } from './scope';

/** A kind of report: its words, the page's version and the file's (which may hold more rows). */
export interface ReportKind {
	kind: string;
	title: () => string;
	description: () => string;
	build: (db: Db, actor: UserActor, params: ReportParams) => Promise<Report>;
	/** For the file: every row, a long list streamed in chunks. Defaults to `build`. */
	file?: (
		db: Db,
		actor: UserActor,
		params: ReportParams
	) => Promise<{ report: Report; long?: LongTable }>;
}

/** A warnings list longer than this is cut in the file too, with a note (years of a county). */
const WARNINGS_FILE_ROWS = 100_000;

export const REPORT_KINDS: readonly ReportKind[] = [
	{
		kind: 'program-summary',
		title: () => m.reports_summary_title(),
		description: () => m.reports_summary_description(),
		// The dashboard's own figures; the request is checked as every report's is first.
		build: async (db, actor, params) => {
			const scope = await reportScope(db, actor, params);
			return programSummaryReport(db, actor, {
				from: scope.from,
				to: scope.to,
				townshipCodes: scope.townshipCodes ?? undefined
			});
		}
	},
	{
		kind: 'households',
		title: () => m.reports_households_title(),
		description: () => m.reports_households_description(),
		build: (db, actor, params) => monitoredHouseholdsReport(db, actor, params),
		file: async (db, actor, params) => ({
			report: await monitoredHouseholdsReport(db, actor, params, 0),
			long: { table: 1, chunks: monitoredHouseholdChunks(db, actor, params) }
		})
	},
	{
		kind: 'payments',
		title: () => m.reports_payments_title(),
		description: () => m.reports_payments_description(),
		build: paymentsReport
	},
	{
		kind: 'warnings',
		title: () => m.reports_warnings_title(),
		description: () => m.reports_warnings_description(),
		build: (db, actor, params) => warningsReport(db, actor, params),
		file: async (db, actor, params) => ({
			report: await warningsReport(db, actor, params, WARNINGS_FILE_ROWS)
		})
	},
	{
		kind: 'insurance-funds',
		title: () => m.reports_funds_title(),
		description: () => m.reports_funds_description(),
		build: insuranceFundsReport
	}
];

function kindOf(actor: UserActor, kind: string): ReportKind {
	const found = REPORT_KINDS.find((k) => k.kind === kind);
	if (!found || !readsReports(actor)) throw DomainError.notFound();
	return found;
}

/** The reports a person may open, for the list page (empty for anyone else). */
export function reportKindsFor(
	actor: UserActor
): { kind: string; title: string; description: string }[] {
	if (!readsReports(actor)) return [];
	return REPORT_KINDS.map((k) => ({
		kind: k.kind,
		title: k.title(),
		description: k.description()
	}));
}

/** A report as the A4 page shows it; an unknown kind or a township out of scope is not found. */
export async function buildReport(
	db: Db,
	actor: UserActor,
	kind: string,
	params: ReportParams
): Promise<Report> {
	const found = kindOf(actor, kind);
	// A county's report reads a year of every household: longer than a page's statement limit.
	return longRunning(db, (tx) => found.build(tx, actor, params));
}

/** The same report as an XLSX workbook. */
export async function reportToXlsx(report: Report): Promise<Uint8Array> {
	return (await writeReportXlsx(report)).body;
}

export interface ReportFile {
	body: Uint8Array;
	contentType: string;
	/** ASCII, for old clients. */
	fileName: string;
	/** The report's own title, for a filename* header. */
	title: string;
	rows: number;
}

/** The report as a file to download, every row included; the export is audited. */
export async function exportReport(
	db: Db,
	actor: UserActor,
	kind: string,
	params: ReportParams
): Promise<ReportFile> {
	const found = kindOf(actor, kind);
	const scope = await reportScope(db, actor, params);
	const { report, body, rows } = await longRunning(db, async (tx) => {
		const { report, long } = found.file
			? await found.file(tx, actor, params)
			: { report: await found.build(tx, actor, params), long: undefined };
		return { report, ...(await writeReportXlsx(report, long)) };
	});
	await recordAudit(db, actor, {
		countyId: actor.countyId,
		action: 'reports.export',
		entity: 'report',
		entityId: kind,
		after: {
			format: 'xlsx',
			rows,
			from: scope.from,
			to: scope.to,
			townships: scope.townshipCodes ?? 'county'
		}
	});
	return {
		body,
		contentType: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
		fileName: `levee-${kind}-${scope.from}-${scope.to}.xlsx`,
		title: `${report.title} ${scope.from}-${scope.to}.xlsx`,
		rows
	};
}

/** Content-Disposition with the Chinese title (RFC 6266 filename*) and an ASCII fallback. */
export function attachmentHeader(file: Pick<ReportFile, 'fileName' | 'title'>): string {
	return `attachment; filename="${file.fileName}"; filename*=UTF-8''${encodeURIComponent(file.title)}`;
}
