import { Paper, SimpleGrid, Text, Title } from '@mantine/core'
import { CartesianGrid, Line, LineChart, ResponsiveContainer, Tooltip, XAxis, YAxis } from 'recharts'
import type { VitalsPoint } from '../../../../shared/api'
import { shortDate } from './format'

/**
 * Small trend charts across visits: weight, blood pressure and sugar. Drawn with recharts,
 * the library @mantine/charts wraps: @mantine/charts is not published at the Mantine version
 * @mantine/schedule pins (9.6.3), and every Mantine package must share one version.
 */
export function VitalsTrends({ points }: { points: VitalsPoint[] }) {
  const data = points.map((p) => ({ ...p, label: shortDate(p.date) }))
  const charts = [
    { title: 'Weight (kg)', series: [{ key: 'weightKg', name: 'Weight', colour: 'var(--mantine-color-teal-6)' }] },
    {
      title: 'Blood pressure (mmHg)',
      series: [
        { key: 'bpSystolic', name: 'Systolic', colour: 'var(--mantine-color-red-6)' },
        { key: 'bpDiastolic', name: 'Diastolic', colour: 'var(--mantine-color-blue-6)' }
      ]
    },
    { title: 'Blood sugar (mg/dL)', series: [{ key: 'sugarMgDl', name: 'Sugar', colour: 'var(--mantine-color-grape-6)' }] }
  ] as const
  return (
    <Paper withBorder radius="md" p="md" component="section" aria-label="Trends">
      <Title order={4} mb="xs">
        Trends
      </Title>
      <SimpleGrid cols={1} spacing="sm">
        {charts.map((chart) => {
          const has = data.filter((d) => chart.series.some((s) => d[s.key] !== null))
          return (
            <div key={chart.title} role="figure" aria-label={`${chart.title} across visits`}>
              <Text size="xs" c="dimmed" fw={600}>
                {chart.title}
              </Text>
              {has.length < 2 ? (
                <Text size="xs" c="dimmed" py={6}>
                  {has.length === 0 ? 'Not recorded yet.' : 'One reading so far: a trend shows from the second visit.'}
                </Text>
              ) : (
                <ResponsiveContainer width="100%" height={110}>
                  <LineChart data={has} margin={{ top: 6, right: 8, bottom: 0, left: -18 }}>
                    <CartesianGrid strokeDasharray="3 3" stroke="var(--mantine-color-gray-3)" />
                    <XAxis dataKey="label" tick={{ fontSize: 11 }} />
                    <YAxis tick={{ fontSize: 11 }} domain={['auto', 'auto']} />
                    <Tooltip />
                    {chart.series.map((s) => (
                      <Line key={s.key} type="monotone" dataKey={s.key} name={s.name} stroke={s.colour} strokeWidth={2} dot={{ r: 3 }} connectNulls isAnimationActive={false} />
                    ))}
                  </LineChart>
                </ResponsiveContainer>
              )}
            </div>
          )
        })}
      </SimpleGrid>
    </Paper>
  )
}
