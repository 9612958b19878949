import { BarController, BarElement, CategoryScale, Chart, LinearScale, Tooltip } from 'chart.js';

// Only the pieces one bar chart needs, so the page that draws it loads as little as possible.
Chart.register(BarController, BarElement, CategoryScale, LinearScale, Tooltip);

export interface IncomeChartInput {
	labels: string[];
	/** Yuan, for drawing only; the tooltip shows the exact text from `format`. */
	values: number[];
	format: (index: number) => string;
	axisTitle: string;
	monthTitle: string;
}

function cssColour(name: string, fallback: string): string {
	return getComputedStyle(document.documentElement).getPropertyValue(name).trim() || fallback;
}

export function drawIncomeChart(canvas: HTMLCanvasElement, input: IncomeChartInput): Chart {
	const positive = cssColour('--primary', '#0f5c4c');
	const negative = cssColour('--danger', '#b3261e');
	const text = cssColour('--text', '#1b1f1e');
	return new Chart(canvas, {
		type: 'bar',
		data: {
			labels: input.labels,
			datasets: [
				{
					data: input.values,
					backgroundColor: input.values.map((v) => (v < 0 ? negative : positive)),
					borderRadius: 4
				}
			]
		},
		options: {
			responsive: true,
			maintainAspectRatio: false,
			animation: false,
			plugins: {
				legend: { display: false },
				tooltip: { callbacks: { label: (item) => input.format(item.dataIndex) } }
			},
			scales: {
				x: {
					title: { display: true, text: input.monthTitle, color: text, font: { size: 14 } },
					ticks: { color: text, font: { size: 13 }, maxRotation: 0 },
					grid: { display: false }
				},
				y: {
					beginAtZero: true,
					title: { display: true, text: input.axisTitle, color: text, font: { size: 14 } },
					ticks: { color: text, font: { size: 13 } }
				}
			}
		}
	});
}
