// Rules between the fields of one rate limit (a route's or a plan's) that the schema cannot
// express: which fields go with which algorithm, and what a quota's calendar windows allow.

import { tryParseDuration, tryParseMonths } from '../core/duration.js'
import { isCalendarAligned } from '../core/limiter/period.js'
import type { PlanLimitConfig } from './schema/index.js'
import type { Report } from './load-yaml.js'
import type { ConfigPath } from './locate.js'

type LimitFields = Pick<PlanLimitConfig, 'per' | 'burst' | 'algorithm' | 'quota' | 'mode' | 'maxDelay'>

export function checkLimit (l: Partial<LimitFields>, at: ConfigPath, report: Report): void {
  const algorithm = l.algorithm ?? (l.quota === true ? 'fixed-window' : 'gcra')
  if (l.burst !== undefined && algorithm !== 'gcra') {
    report([...at, 'burst'], `burst is for algorithm: gcra (a ${algorithm}${l.quota === true ? ' quota' : ''} admits requests per window)`)
  }
  if (l.quota === true && algorithm !== 'fixed-window') {
    report([...at, 'algorithm'], 'a quota counts calendar windows: leave algorithm out or write fixed-window')
  }
  if (l.mode === 'delay' && l.quota === true) {
    report([...at, 'mode'], 'a quota does not delay: a request over it waits for the calendar reset (use mode: reject)')
  } else if (l.mode === 'delay' && l.maxDelay === undefined) {
    report([...at, 'mode'], 'mode: delay needs maxDelay, the longest a request may wait for its slot')
  } else if (l.mode !== 'delay' && l.maxDelay !== undefined) {
    report([...at, 'maxDelay'], 'maxDelay applies to mode: delay only')
  }
  if (l.per === undefined) return
  const months = tryParseMonths(l.per)
  if (months !== undefined) {
    if (l.quota !== true) report([...at, 'per'], `${String(l.per)}: months are calendar windows, for a quota (quota: true)`)
    else if (!isCalendarAligned({ months })) report([...at, 'per'], `${String(l.per)}: a month quota must divide a year (1mo, 2mo, 3mo, 4mo, 6mo, 12mo)`)
    return
  }
  const ms = tryParseDuration(l.per)
  if (ms === undefined || ms <= 0) {
    report([...at, 'per'], `${String(l.per)}: expected a positive duration`)
  } else if (l.quota === true && !isCalendarAligned({ ms })) {
    report([...at, 'per'], `${String(l.per)}: a quota's windows follow the UTC calendar, so per must divide a day (1d, 12h, 1h, 15m…) or be months (1mo)`)
  }
}
