import { useEffect, useRef } from 'react';
import { LineChart } from 'echarts/charts';
import { GridComponent, TooltipComponent } from 'echarts/components';
import * as echarts from 'echarts/core';
import { CanvasRenderer } from 'echarts/renderers';
import { useThemeMode } from '../theme';

echarts.use([LineChart, GridComponent, TooltipComponent, CanvasRenderer]);

/** A small line chart of daily values (the analytics cards' 7-day trend). */
export function TrendChart({ points, height = 120 }: { points: Array<{ date: string; value: number }>; height?: number }) {
  const box = useRef<HTMLDivElement>(null);
  const { mode } = useThemeMode();
  useEffect(() => {
    if (!box.current) return;
    const chart = echarts.init(box.current, mode === 'dark' ? 'dark' : undefined, { renderer: 'canvas' });
    chart.setOption({
      backgroundColor: 'transparent',
      grid: { left: 36, right: 8, top: 8, bottom: 20 },
      tooltip: { trigger: 'axis' },
      xAxis: { type: 'category', data: points.map((p) => p.date.slice(5)), axisLabel: { fontSize: 10 } },
      yAxis: { type: 'value', axisLabel: { fontSize: 10 }, splitLine: { lineStyle: { opacity: 0.3 } } },
      series: [{ type: 'line', data: points.map((p) => p.value), smooth: true, areaStyle: { opacity: 0.15 }, symbolSize: 4 }],
    });
    const resize = () => chart.resize();
    window.addEventListener('resize', resize);
    return () => {
      window.removeEventListener('resize', resize);
      chart.dispose();
    };
  }, [points, mode]);
  return <div ref={box} style={{ width: '100%', height }} />;
}
