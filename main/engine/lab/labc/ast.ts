/**
 * Lab C syntax tree. Nodes carry their 1-based position in the lab file. The checker fills in
 * `ty` (expression types) and `ref` (what a name resolves to); the compiler reads them.
 */
import type { Ty } from './types'

export interface Pos { readonly line: number; readonly col: number }

/** A type as written: `const unsigned int`, `struct file *`, `void (*fn)(struct callback_head *)`. */
export interface TypeSyntax {
  readonly pos: Pos
  /** Base words ("unsigned long", "int", "size_t") or "struct NAME". */
  readonly base: string
  readonly ptr: number
  readonly isConst: boolean
  /** A function pointer declarator: RET (*name)(params). */
  readonly fn?: { readonly params: readonly TypeSyntax[]; readonly variadic: boolean }
}

export type Expr =
  | { kind: 'int'; pos: Pos; value: bigint; ty?: Ty }
  | { kind: 'str'; pos: Pos; value: string; ty?: Ty }
  | { kind: 'name'; pos: Pos; name: string; ty?: Ty; ref?: NameRef }
  | { kind: 'unary'; pos: Pos; op: '-' | '+' | '!' | '~'; arg: Expr; ty?: Ty }
  | { kind: 'deref'; pos: Pos; arg: Expr; ty?: Ty }
  | { kind: 'addr'; pos: Pos; arg: Expr; ty?: Ty }
  | { kind: 'binary'; pos: Pos; op: BinOp; left: Expr; right: Expr; ty?: Ty; opTy?: Ty }
  | { kind: 'logical'; pos: Pos; op: '&&' | '||'; left: Expr; right: Expr; ty?: Ty }
  | { kind: 'assign'; pos: Pos; op: AssignOp; target: Expr; value: Expr; ty?: Ty }
  | { kind: 'incdec'; pos: Pos; op: '++' | '--'; prefix: boolean; target: Expr; ty?: Ty }
  | { kind: 'cond'; pos: Pos; test: Expr; then: Expr; else: Expr; ty?: Ty }
  | { kind: 'call'; pos: Pos; callee: Expr; args: Expr[]; ty?: Ty; target?: CallTarget; alloc?: string }
  /** A type used as an argument: container_of(ptr, struct NAME, member). */
  | { kind: 'type'; pos: Pos; type: TypeSyntax; ty?: Ty }
  | { kind: 'index'; pos: Pos; obj: Expr; index: Expr; ty?: Ty }
  | { kind: 'member'; pos: Pos; obj: Expr; name: string; arrow: boolean; ty?: Ty }
  | { kind: 'cast'; pos: Pos; type: TypeSyntax; arg: Expr; ty?: Ty }
  /** sizeof(TYPE) or sizeof expr; `value` is filled in by the checker. */
  | { kind: 'sizeof'; pos: Pos; type: TypeSyntax | null; arg: Expr | null; ty?: Ty; value?: bigint }
  /** fork { body }, or clone(FLAGS) { body } (flags set): a child task running body. */
  | { kind: 'fork'; pos: Pos; body: Block; ty?: Ty; flags?: Expr }
  /** `{1, 2}` or `{ .l_type = F_WRLCK }`: `fields[i]` names the field of item i (null: positional). */
  | { kind: 'init'; pos: Pos; items: Expr[]; fields: (string | null)[]; ty?: Ty }

export type BinOp = '+' | '-' | '*' | '/' | '%' | '<<' | '>>' | '&' | '|' | '^' | '==' | '!=' | '<' | '<=' | '>' | '>='
export type AssignOp = '=' | '+=' | '-=' | '*=' | '/=' | '%=' | '<<=' | '>>=' | '&=' | '|=' | '^='

/** What a name refers to, filled in by the checker. */
export type NameRef =
  | { kind: 'local'; decl: VarDecl | Param | ThreadStmt }
  | { kind: 'global'; decl: VarDecl }
  | { kind: 'const'; value: bigint }
  | { kind: 'func'; decl: FuncDef }
  | { kind: 'builtin'; name: string }

/** What a call calls, filled in by the checker. */
export type CallTarget =
  | { kind: 'func'; decl: FuncDef }
  | { kind: 'kernel'; name: string }
  | { kind: 'syscall'; name: string }
  | { kind: 'builtin'; name: string }
  | { kind: 'pointer' }
  /** take_fd(var) / no_free_ptr(var): read var, leave @leaves in it (classes.ts KERNEL_TAKES). */
  | { kind: 'take'; name: string; leaves: bigint | null }

export interface VarDecl {
  kind: 'decl'
  pos: Pos
  type: TypeSyntax
  name: string
  /** `int a[N]`: the length expression; `int a[] = {...}`: 'auto'. */
  arrayLen: Expr | 'auto' | null
  init: Expr | null
  isStatic: boolean
  ty?: Ty
  /** Slot index in the frame (locals) or the global table, set by the checker. */
  slot?: number
  /**
   * Scoped cleanup (include/linux/cleanup.h): `CLASS(NAME, var)(args)`, `T var __free(NAME)` or
   * `T var __attribute__((cleanup(fn)))` / `__cleanup(fn)`: run when the variable leaves scope.
   */
  cleanup?: { kind: 'class'; cls: string; args: Expr[] } | { kind: 'attr'; fn: string; fnPos: Pos } | { kind: 'free'; name: string; namePos: Pos }
  /** The destructor the parser built (`fdput(var);`, `fn(&var);`, `if (var >= 0) put_unused_fd(var);`). */
  cleanupStmt?: Stmt
}

export interface Param { kind: 'param'; pos: Pos; type: TypeSyntax; name: string; arrayParam: boolean; ty?: Ty; slot?: number }

export interface Block { kind: 'block'; pos: Pos; body: Stmt[]; end: Pos }

export interface ThreadStmt { kind: 'thread'; pos: Pos; name: string; body: Block; ty?: Ty; slot?: number }

export type Stmt =
  | Block
  | VarDecl
  | ThreadStmt
  | { kind: 'expr'; pos: Pos; expr: Expr }
  | { kind: 'if'; pos: Pos; test: Expr; then: Stmt; else: Stmt | null }
  | { kind: 'while'; pos: Pos; test: Expr; body: Stmt }
  | { kind: 'dowhile'; pos: Pos; body: Stmt; test: Expr }
  | { kind: 'for'; pos: Pos; init: Stmt | null; test: Expr | null; update: Expr | null; body: Stmt }
  | { kind: 'switch'; pos: Pos; test: Expr; cases: SwitchCase[] }
  | { kind: 'break'; pos: Pos }
  | { kind: 'continue'; pos: Pos }
  | { kind: 'return'; pos: Pos; value: Expr | null }
  /** exec(path, args...) { image }: the image sees argc and argv (argv[0] = path), set by the checker's slots. */
  | { kind: 'exec'; pos: Pos; args: Expr[]; image: Block | null; frameSize?: number; argcSlot?: number; argvSlot?: number }
  | { kind: 'label'; pos: Pos; name: string }
  | { kind: 'goto'; pos: Pos; name: string }
  /** `NAME:` a goto target. */
  | { kind: 'target'; pos: Pos; name: string }
  | { kind: 'expect'; pos: Pos; cond: Expr; message: string | null; text: string }
  | { kind: 'empty'; pos: Pos }

export interface SwitchCase { pos: Pos; test: Expr | null; value?: bigint; body: Stmt[] }

export interface FuncDef {
  kind: 'func'
  pos: Pos
  name: string
  ret: TypeSyntax
  params: Param[]
  variadic: boolean
  body: Block | null
  isStatic: boolean
  /** Set for driver hooks: the driver's name. */
  driver?: string
  ty?: Ty
  /** Number of local slots, set by the checker. */
  frameSize?: number
  /** 'kernel' or 'user' (or 'any' for code that calls neither), inferred by the checker. */
  mode?: 'kernel' | 'user' | 'any'
}

export interface ProcessDef {
  kind: 'process'; pos: Pos; name: string; body: Block; frameSize?: number
  /** `process NAME(CAP_SYS_RESOURCE) { }`: capabilities the process starts with. */
  caps?: { name: string; pos: Pos }[]
}
export interface KthreadDef { kind: 'kthread'; pos: Pos; name: string; body: Block; frameSize?: number }
export interface DriverDef { kind: 'driver'; pos: Pos; name: string; hooks: FuncDef[] }
export interface StructDef { kind: 'struct'; pos: Pos; name: string; fields: VarDecl[] }
export interface EnumDef { kind: 'enum'; pos: Pos; items: { name: string; value: Expr | null; pos: Pos }[] }
export interface DefineDef { kind: 'define'; pos: Pos; name: string; value: Expr }
export interface GlobalDef { kind: 'global'; pos: Pos; decl: VarDecl }

export type TopDecl = ProcessDef | KthreadDef | DriverDef | FuncDef | StructDef | EnumDef | DefineDef | GlobalDef

/** One parsed block of lab C (a scenario, a starter, a solution, a test or a library block). */
export interface Unit {
  readonly file: string
  readonly decls: TopDecl[]
  /** Headers named by #include lines (most are only for readers). */
  readonly includes?: readonly { readonly header: string; readonly line: number; readonly col: number }[]
}
