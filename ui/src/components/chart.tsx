import { useEffect, useRef } from "preact/hooks";
import uPlot from "uplot";
import { money } from "../format";
import "uplot/dist/uPlot.min.css";

/** Spend per day as bars (uPlot); `days` are `YYYY-MM-DD`, one value each. */
export function SpendChart(props: { days: string[]; spend: number[] }) {
  const container = useRef<HTMLDivElement>(null);
  useEffect(() => {
    const element = container.current;
    if (element === null || props.days.length === 0) return;
    const xs = props.days.map((day) => Date.parse(`${day}T00:00:00Z`) / 1000);
    const chart = new uPlot(
      {
        width: Math.max(320, element.clientWidth),
        height: 260,
        tzDate: (seconds) => uPlot.tzDate(new Date(seconds * 1000), "Etc/UTC"),
        scales: { x: { time: true }, y: { range: (_u, _min, max) => [0, max > 0 ? max * 1.1 : 1] } },
        axes: [{}, { values: (_u, ticks) => ticks.map(money), size: 70 }],
        series: [
          {},
          {
            label: "Spend (USD)",
            stroke: "#1e6bd6",
            fill: "rgba(30, 107, 214, 0.35)",
            paths: uPlot.paths.bars?.({ size: [0.6, 60] }),
            points: { show: false },
            value: (_u, value) => (value === null ? "—" : `$${value.toFixed(6)}`),
          },
        ],
      },
      [xs, props.spend],
      element,
    );
    return () => chart.destroy();
  }, [props.days, props.spend]);
  return <div ref={container} class="chart" />;
}
