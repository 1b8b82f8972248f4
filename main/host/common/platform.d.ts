// The platform globals that platform-free code may use: the web APIs that Node and browsers
// both provide. Only tsconfig.common.json (no DOM, no Node types) sees this file; the node and
// web projects get the real declarations from @types/node and lib.dom.

declare class TextEncoder {
  encode(input?: string): Uint8Array
}

declare class TextDecoder {
  constructor(label?: string, options?: { fatal?: boolean })
  decode(input?: ArrayBufferView | ArrayBuffer): string
}

declare class URL {
  constructor(url: string, base?: string | URL)
  readonly href: string
  readonly protocol: string
  readonly username: string
  readonly password: string
  readonly host: string
  readonly hostname: string
  readonly port: string
  readonly pathname: string
  readonly search: string
  readonly hash: string
}

declare function atob(data: string): string
