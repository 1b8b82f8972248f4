/**
 * The renderer's Trusted Types policy ("fdlab-worker", allowed by the CSP): it turns the URLs of
 * the renderer's bundled workers (Monaco's editor worker), and nothing else, into
 * TrustedScriptURLs. The browser host has its own policy for the engine worker.
 */
const allowed = new Set<string>()
type Policy = { createScriptURL(u: string): unknown }
let policy: Policy | null | undefined

function getPolicy(): Policy | null {
  if (policy !== undefined) return policy
  const tt = (window as unknown as { trustedTypes?: { createPolicy(n: string, o: { createScriptURL(u: string): string }): Policy } }).trustedTypes
  policy = tt
    ? tt.createPolicy('fdlab-worker', {
        createScriptURL: (u: string) => {
          if (!allowed.has(u)) throw new TypeError(`not a bundled worker: ${u}`)
          return u
        },
      })
    : null
  return policy
}

/** A worker URL the Worker constructor accepts under `require-trusted-types-for 'script'`. */
export function trustedWorkerUrl(url: string): string | URL {
  allowed.add(url)
  const p = getPolicy()
  return p ? (p.createScriptURL(url) as string) : url
}
