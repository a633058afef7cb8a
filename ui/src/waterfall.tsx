import type { UserAccessStage } from '../../src/schemas/access-stages.js'
import { ms } from './format.js'
import { layoutWaterfall, ticks, type Bar } from './waterfall-layout.js'

const LABEL_W = 110
const ROW_H = 30
const BAR_H = 18
const AXIS_H = 24
const PAD_R = 16
/** Rough width of a character of the 11.5 px note text, to decide where a note fits. */
const CHAR_W = 7

/** A bar's duration (and failure code) beside it, or inside its end when the right edge is too close. */
function BarNote ({ bar, left, right, y, limit }: { bar: Bar, left: number, right: number, y: number, limit: number }) {
  const took = bar.running ? 'running' : ms(bar.to - bar.from)
  const mark = bar.failed ? `✕ ${bar.stage.error_code ?? 'failed'}` : undefined
  const chars = took.length + (mark === undefined ? 0 : mark.length + 2)
  const outside = right + 6 + chars * CHAR_W <= limit
  const inside = !outside && right - left > chars * CHAR_W + 12
  return (
    <text class={`bar-note${inside ? ' inside' : ''}`} x={outside ? right + 6 : inside ? right - 6 : left - 6} y={y} text-anchor={outside ? 'start' : 'end'} aria-hidden='true'>
      {took}{mark !== undefined && <tspan class='bar-mark' dx='8'>{mark}</tspan>}
    </text>
  )
}

/** The stages of one login as bars on a shared axis (SVG), with the same facts as a table below. */
export function StageWaterfall ({ stages, width }: { stages: readonly UserAccessStage[], width: number }) {
  const { bars, span, total } = layoutWaterfall(stages)
  if (bars.length === 0) return <p class='empty'>This record has no stages.</p>
  const plot = Math.max(width - LABEL_W - PAD_R, 100)
  const x = (t: number) => LABEL_W + (t / span) * plot
  const height = AXIS_H + bars.length * ROW_H + 8
  const failures = bars.filter((b) => b.failed).length
  const summary = `${bars.length} stages, ${failures === 0 ? 'none failed' : `${failures} failed`}, ` +
    (total === undefined ? 'still running' : `total ${ms(total)}`)
  return (
    <figure class='waterfall'>
      <figcaption>
        <strong>{total === undefined ? 'Login still running' : `Total login time ${ms(total)}`}</strong>
        <span class='muted'> · {summary}</span>
      </figcaption>
      <svg width={width} height={height} viewBox={`0 0 ${width} ${height}`} role='img' aria-label={`Stage waterfall: ${summary}`}>
        <defs>
          <pattern id='running' width='8' height='8' patternUnits='userSpaceOnUse' patternTransform='rotate(45)'>
            <rect width='8' height='8' class='bar-running-bg' />
            <rect width='4' height='8' class='bar-running-stripe' />
          </pattern>
        </defs>
        {ticks(span).map((t) => (
          <g key={t} class='tick'>
            <line x1={x(t)} x2={x(t)} y1={AXIS_H - 4} y2={height} />
            <text x={x(t)} y={AXIS_H - 8} text-anchor='middle'>{ms(t)}</text>
          </g>
        ))}
        {bars.map((b, i) => {
          const y = AXIS_H + i * ROW_H + (ROW_H - BAR_H) / 2
          const barW = Math.max(x(b.to) - x(b.from), 1)
          const s = b.stage
          const state = b.running ? 'running' : b.failed ? 'failed' : s.is_success === true ? 'ok' : 'unknown'
          const tip = `${s.stage ?? 'stage'}: ${b.running ? 'running' : ms(b.to - b.from)}` +
            (s.duration !== undefined ? ` (duration ${ms(s.duration)})` : '') +
            (s.error_code !== undefined ? `\n${s.error_code}${s.error_msg !== undefined ? `: ${s.error_msg}` : ''}` : '')
          return (
            <g key={i} class={`bar bar-${state}`} data-stage={s.stage} data-state={state}>
              <title>{tip}</title>
              <text class='bar-label' x={LABEL_W - 8} y={y + BAR_H / 2 + 4} text-anchor='end'>{s.stage ?? `#${i + 1}`}</text>
              <rect class='bar-rect' x={x(b.from)} y={y} width={barW} height={BAR_H} rx='3' fill={b.running ? 'url(#running)' : undefined} />
              <BarNote bar={b} right={x(b.to)} left={x(b.from)} y={y + BAR_H / 2 + 4} limit={width} />
            </g>
          )
        })}
      </svg>
      <table class='stage-table'>
        <caption class='sr-only'>Stages in text</caption>
        <thead><tr><th scope='col'>stage</th><th scope='col'>starts at</th><th scope='col'>took</th><th scope='col'>result</th><th scope='col'>error_code</th><th scope='col'>error_msg</th></tr></thead>
        <tbody>
          {bars.map((b, i) => (
            <tr key={i} class={b.failed ? 'row-failed' : undefined}>
              <th scope='row'>{b.stage.stage ?? `#${i + 1}`}</th>
              <td>+{ms(b.from)}</td>
              <td>{b.running ? 'running' : ms(b.to - b.from)}</td>
              <td>{b.running ? 'running' : b.failed ? 'failed' : b.stage.is_success === true ? 'succeeded' : '—'}</td>
              <td><code>{b.stage.error_code ?? ''}</code></td>
              <td>{b.stage.error_msg ?? ''}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </figure>
  )
}
