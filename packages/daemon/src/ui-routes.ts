import { readJsonBody, requireString, type Routes } from '@p2pcloud/api'
import { parseDeploymentSpec } from '@p2pcloud/twin'
import type { UiSessions } from './ui-sessions.js'

/** The /v1 routes the web UI needs beside the others: a login link, and a spec checked without deploying it. */
export function uiRoutes (sessions: UiSessions, apiUrl: () => string): Routes {
  return {
    'POST /v1/ui/login': async () => {
      const { code, expiresAt } = sessions.issueCode()
      return { url: `${apiUrl()}/ui/login?code=${code}`, expiresAt: new Date(expiresAt).toISOString() }
    },
    // the wizard shows the daemon's own spec errors (line:column) while the YAML is edited
    'POST /v1/ui/check': async (req) => {
      const body = await readJsonBody(req)
      const source = typeof (body as any).source === 'string' ? (body as any).source : 'spec'
      return parseDeploymentSpec(requireString(body, 'spec'), source)
    }
  }
}
