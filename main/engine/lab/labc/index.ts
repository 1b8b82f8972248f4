/**
 * The lab C front end in one call: parse the units, type-check them against a profile.
 */
import type { Diagnostic } from '../diagnostics'
import { sortDiagnostics } from '../diagnostics'
import type { ProfileName } from '../../sim/profile'
import type { Unit } from './ast'
import { getApi } from './api'
import { checkProgram, type Program } from './checker'
import { parseUnit } from './parser'

export interface Source { readonly code: string; readonly file: string; readonly lineOffset?: number }

export interface FrontEndResult {
  readonly program: Program
  readonly units: readonly Unit[]
  readonly diagnostics: readonly Diagnostic[]
  readonly ok: boolean
}

export function frontEnd(sources: readonly Source[], profile: ProfileName): FrontEndResult {
  const diags: Diagnostic[] = []
  const units = sources.map((s) => parseUnit(s.code, s.file, diags, { lineOffset: s.lineOffset ?? 0, profile }))
  const program = checkProgram(units, getApi(profile), diags)
  const sorted = sortDiagnostics(diags)
  return { program, units, diagnostics: sorted, ok: !sorted.some((d) => d.severity === 'error') }
}

export type { Program } from './checker'
