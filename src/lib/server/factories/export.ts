import ExcelJS from 'exceljs';
import type { Db } from '../db';
import { recordAudit } from '../audit';
import type { UserActor } from '../auth/actor';
import { findCountyByCode } from '../divisions';
import { countyFactories, type CountyFactoryFilter } from './reports';
import type { FactoryStatus } from './schema';
import { m } from '../../paraglide/messages';

// The county's factories as a spreadsheet, in Chinese like the registry's own exports.

const STATUS: Record<FactoryStatus, typeof m.factories_status_building> = {
	building: m.factories_status_building,
	operating: m.factories_status_operating,
	idle: m.factories_status_idle,
	closed: m.factories_status_closed
};

export interface FactoryExportFile {
	body: Uint8Array;
	contentType: string;
	fileName: string;
	rows: number;
}

/** Fen as yuan for a spreadsheet cell: the cell's format shows two decimals. */
function yuan(fen: number | null): number | null {
	return fen === null ? null : fen / 100;
}

export async function exportFactories(
	db: Db,
	actor: UserActor,
	filter: CountyFactoryFilter,
	today: string
): Promise<FactoryExportFile> {
	const [view, county] = await Promise.all([
		countyFactories(db, actor, today, filter),
		findCountyByCode(db, actor.countyCode)
	]);
	const workbook = new ExcelJS.Workbook();
	const sheet = workbook.addWorksheet('微工厂');
	const period = `${view.from}至${view.to}`;
	sheet.addRow([`${county?.name ?? ''}扶贫微工厂用工和工资（${period}，导出日期 ${today}）`]);
	const header = [
		'序号',
		'乡(镇)',
		'行政村',
		'工厂名称',
		'承租企业',
		'产品',
		'面积（平方米）',
		'状态',
		'在岗人数',
		'其中本县农户',
		'其中监测户',
		'近12个月工资总额（元）',
		'人均月工资（元）',
		'监测户务工人员月均增收（元）',
		'增收测算人数'
	];
	sheet.addRow(header).font = { bold: true };
	view.rows.forEach((r, i) =>
		sheet.addRow([
			i + 1,
			r.townshipName,
			r.villageName,
			r.name,
			r.enterpriseName,
			r.products.join('、'),
			r.floorAreaM2,
			STATUS[r.status]({}, { locale: 'zh-CN' }),
			r.headcount,
			r.local,
			r.monitored,
			yuan(r.wagesFen),
			yuan(r.averageWageFen),
			yuan(r.increaseFen),
			r.increaseWorkers
		])
	);
	const t = view.totals;
	sheet.addRow([
		'合计',
		'',
		'',
		`${t.factories} 个`,
		'',
		'',
		'',
		'',
		t.headcount,
		t.local,
		t.monitored,
		yuan(t.wagesFen),
		yuan(t.averageWageFen),
		yuan(t.increaseFen),
		t.increaseWorkers
	]).font = { bold: true };
	const widths = [6, 12, 12, 24, 24, 20, 10, 8, 10, 10, 10, 16, 14, 18, 10];
	widths.forEach((width, i) => {
		const column = sheet.getColumn(i + 1);
		column.width = width;
		if (i >= 11 && i <= 13) column.numFmt = '#,##0.00';
	});
	const buffer = await workbook.xlsx.writeBuffer();
	await recordAudit(db, actor, {
		countyId: actor.countyId,
		action: 'factories.export',
		entity: 'county',
		entityId: actor.countyCode,
		after: { format: 'xlsx', rows: view.rows.length, filter }
	});
	return {
		body: new Uint8Array(buffer as ArrayBuffer),
		contentType: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
		fileName: `factories-${today}.xlsx`,
		rows: view.rows.length
	};
}
