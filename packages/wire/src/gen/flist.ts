import { decodeMessage, encodeMessage, enumeration, MaxLengthError, message, streamMessage } from 'protons-runtime'
import type { Codec, DecodeOptions } from 'protons-runtime'
import type { Uint8ArrayList } from 'uint8arraylist'

export interface Manifest {
  version: number
  config?: ImageConfig
  entryCount: number
  entries: Entry[]
  pages: Uint8Array<ArrayBuffer>[]
}

export namespace Manifest {
  let _codec: Codec<Manifest>

  export const codec = (): Codec<Manifest> => {
    if (_codec == null) {
      _codec = message<Manifest>((obj, w, opts = {}) => {
        if (opts.lengthDelimited !== false) {
          w.fork()
        }

        if ((obj.version != null && obj.version !== 0)) {
          w.uint32(8)
          w.uint32(obj.version)
        }

        if (obj.config != null) {
          w.uint32(18)
          ImageConfig.codec().encode(obj.config, w)
        }

        if ((obj.entryCount != null && obj.entryCount !== 0)) {
          w.uint32(24)
          w.uint64Number(obj.entryCount)
        }

        if (obj.entries != null && obj.entries.length > 0) {
          for (const value of obj.entries) {
            w.uint32(34)
            Entry.codec().encode(value, w)
          }
        }

        if (obj.pages != null && obj.pages.length > 0) {
          for (const value of obj.pages) {
            w.uint32(42)
            w.bytes(value)
          }
        }

        if (opts.lengthDelimited !== false) {
          w.ldelim()
        }
      }, (reader, length, opts = {}) => {
        const obj: any = {
          version: 0,
          entryCount: 0,
          entries: [],
          pages: []
        }

        const end = length == null ? reader.len : reader.pos + length

        while (reader.pos < end) {
          const tag = reader.uint32()

          switch (tag >>> 3) {
            case 1: {
              obj.version = reader.uint32()
              break
            }
            case 2: {
              obj.config = ImageConfig.codec().decode(reader, reader.uint32(), {
                limits: opts.limits?.config
              })
              break
            }
            case 3: {
              obj.entryCount = reader.uint64Number()
              break
            }
            case 4: {
              if (opts.limits?.entries != null && obj.entries.length === opts.limits.entries) {
                throw new MaxLengthError('Decode error - repeated field "entries" had too many elements')
              }

              obj.entries.push(Entry.codec().decode(reader, reader.uint32(), {
                limits: opts.limits?.entries$
              }))
              break
            }
            case 5: {
              if (opts.limits?.pages != null && obj.pages.length === opts.limits.pages) {
                throw new MaxLengthError('Decode error - repeated field "pages" had too many elements')
              }

              obj.pages.push(reader.bytes())
              break
            }
            default: {
              reader.skipType(tag & 7)
              break
            }
          }
        }

        return obj
      }, function * (reader, length, prefix, opts = {}) {
        const obj = {
          entries: 0,
          pages: 0
        }

        const end = length == null ? reader.len : reader.pos + length

        while (reader.pos < end) {
          const tag = reader.uint32()

          switch (tag >>> 3) {
            case 1: {
              yield {
                field: `${prefix}.version`,
                value: reader.uint32()
              }
              break
            }
            case 2: {
              yield * ImageConfig.codec().stream(reader, reader.uint32(), `${prefix}.config`, {
                limits: opts.limits?.config
              })

              break
            }
            case 3: {
              yield {
                field: `${prefix}.entryCount`,
                value: reader.uint64Number()
              }
              break
            }
            case 4: {
              if (opts.limits?.entries != null && obj.entries === opts.limits.entries) {
                throw new MaxLengthError('Streaming decode error - repeated field "entries" had too many elements')
              }

              for (const evt of Entry.codec().stream(reader, reader.uint32(), `${prefix}.entries[]`, {
                limits: opts.limits?.entries$
              })) {
                yield {
                  ...evt,
                  index: obj.entries
                }
              }

              obj.entries++

              break
            }
            case 5: {
              if (opts.limits?.pages != null && obj.pages === opts.limits.pages) {
                throw new MaxLengthError('Streaming decode error - repeated field "pages" had too many elements')
              }

              yield {
                field: `${prefix}.pages[]`,
                index: obj.pages,
                value: reader.bytes()
              }

              obj.pages++

              break
            }
            default: {
              reader.skipType(tag & 7)
              break
            }
          }
        }
      })
    }

    return _codec
  }

  export interface ManifestVersionFieldEvent {
    field: '$.version'
    value: number
  }

  export interface ManifestConfigEntrypointFieldEvent {
    field: '$.config.entrypoint[]'
    index: number
    value: string
  }

  export interface ManifestConfigCmdFieldEvent {
    field: '$.config.cmd[]'
    index: number
    value: string
  }

  export interface ManifestConfigEnvFieldEvent {
    field: '$.config.env[]'
    index: number
    value: string
  }

  export interface ManifestConfigWorkingDirFieldEvent {
    field: '$.config.workingDir'
    value: string
  }

  export interface ManifestConfigUserFieldEvent {
    field: '$.config.user'
    value: string
  }

  export interface ManifestEntryCountFieldEvent {
    field: '$.entryCount'
    value: number
  }

  export interface ManifestEntriesPathFieldEvent {
    field: '$.entries[].path'
    value: string
    index: number
  }

  export interface ManifestEntriesTypeFieldEvent {
    field: '$.entries[].type'
    value: EntryType
    index: number
  }

  export interface ManifestEntriesModeFieldEvent {
    field: '$.entries[].mode'
    value: number
    index: number
  }

  export interface ManifestEntriesUidFieldEvent {
    field: '$.entries[].uid'
    value: number
    index: number
  }

  export interface ManifestEntriesGidFieldEvent {
    field: '$.entries[].gid'
    value: number
    index: number
  }

  export interface ManifestEntriesMtimeMsFieldEvent {
    field: '$.entries[].mtimeMs'
    value: number
    index: number
  }

  export interface ManifestEntriesSizeFieldEvent {
    field: '$.entries[].size'
    value: number
    index: number
  }

  export interface ManifestEntriesBlocksFieldEvent {
    field: '$.entries[].blocks[]'
    index: number
    value: Uint8Array<ArrayBuffer>
  }

  export interface ManifestEntriesTargetFieldEvent {
    field: '$.entries[].target'
    value: string
    index: number
  }

  export interface ManifestPagesFieldEvent {
    field: '$.pages[]'
    index: number
    value: Uint8Array<ArrayBuffer>
  }

  export function encode (obj: Partial<Manifest>): Uint8Array<ArrayBuffer> {
    return encodeMessage(obj, Manifest.codec())
  }

  export function decode (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<Manifest>): Manifest {
    return decodeMessage(buf, Manifest.codec(), opts)
  }

  export function stream (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<Manifest>): Generator<ManifestVersionFieldEvent | ManifestConfigEntrypointFieldEvent | ManifestConfigCmdFieldEvent | ManifestConfigEnvFieldEvent | ManifestConfigWorkingDirFieldEvent | ManifestConfigUserFieldEvent | ManifestEntryCountFieldEvent | ManifestEntriesPathFieldEvent | ManifestEntriesTypeFieldEvent | ManifestEntriesModeFieldEvent | ManifestEntriesUidFieldEvent | ManifestEntriesGidFieldEvent | ManifestEntriesMtimeMsFieldEvent | ManifestEntriesSizeFieldEvent | ManifestEntriesBlocksFieldEvent | ManifestEntriesTargetFieldEvent | ManifestPagesFieldEvent> {
    return streamMessage(buf, Manifest.codec(), opts)
  }
}

export interface Page {
  entries: Entry[]
}

export namespace Page {
  let _codec: Codec<Page>

  export const codec = (): Codec<Page> => {
    if (_codec == null) {
      _codec = message<Page>((obj, w, opts = {}) => {
        if (opts.lengthDelimited !== false) {
          w.fork()
        }

        if (obj.entries != null && obj.entries.length > 0) {
          for (const value of obj.entries) {
            w.uint32(10)
            Entry.codec().encode(value, w)
          }
        }

        if (opts.lengthDelimited !== false) {
          w.ldelim()
        }
      }, (reader, length, opts = {}) => {
        const obj: any = {
          entries: []
        }

        const end = length == null ? reader.len : reader.pos + length

        while (reader.pos < end) {
          const tag = reader.uint32()

          switch (tag >>> 3) {
            case 1: {
              if (opts.limits?.entries != null && obj.entries.length === opts.limits.entries) {
                throw new MaxLengthError('Decode error - repeated field "entries" had too many elements')
              }

              obj.entries.push(Entry.codec().decode(reader, reader.uint32(), {
                limits: opts.limits?.entries$
              }))
              break
            }
            default: {
              reader.skipType(tag & 7)
              break
            }
          }
        }

        return obj
      }, function * (reader, length, prefix, opts = {}) {
        const obj = {
          entries: 0
        }

        const end = length == null ? reader.len : reader.pos + length

        while (reader.pos < end) {
          const tag = reader.uint32()

          switch (tag >>> 3) {
            case 1: {
              if (opts.limits?.entries != null && obj.entries === opts.limits.entries) {
                throw new MaxLengthError('Streaming decode error - repeated field "entries" had too many elements')
              }

              for (const evt of Entry.codec().stream(reader, reader.uint32(), `${prefix}.entries[]`, {
                limits: opts.limits?.entries$
              })) {
                yield {
                  ...evt,
                  index: obj.entries
                }
              }

              obj.entries++

              break
            }
            default: {
              reader.skipType(tag & 7)
              break
            }
          }
        }
      })
    }

    return _codec
  }

  export interface PageEntriesPathFieldEvent {
    field: '$.entries[].path'
    value: string
    index: number
  }

  export interface PageEntriesTypeFieldEvent {
    field: '$.entries[].type'
    value: EntryType
    index: number
  }

  export interface PageEntriesModeFieldEvent {
    field: '$.entries[].mode'
    value: number
    index: number
  }

  export interface PageEntriesUidFieldEvent {
    field: '$.entries[].uid'
    value: number
    index: number
  }

  export interface PageEntriesGidFieldEvent {
    field: '$.entries[].gid'
    value: number
    index: number
  }

  export interface PageEntriesMtimeMsFieldEvent {
    field: '$.entries[].mtimeMs'
    value: number
    index: number
  }

  export interface PageEntriesSizeFieldEvent {
    field: '$.entries[].size'
    value: number
    index: number
  }

  export interface PageEntriesBlocksFieldEvent {
    field: '$.entries[].blocks[]'
    index: number
    value: Uint8Array<ArrayBuffer>
  }

  export interface PageEntriesTargetFieldEvent {
    field: '$.entries[].target'
    value: string
    index: number
  }

  export function encode (obj: Partial<Page>): Uint8Array<ArrayBuffer> {
    return encodeMessage(obj, Page.codec())
  }

  export function decode (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<Page>): Page {
    return decodeMessage(buf, Page.codec(), opts)
  }

  export function stream (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<Page>): Generator<PageEntriesPathFieldEvent | PageEntriesTypeFieldEvent | PageEntriesModeFieldEvent | PageEntriesUidFieldEvent | PageEntriesGidFieldEvent | PageEntriesMtimeMsFieldEvent | PageEntriesSizeFieldEvent | PageEntriesBlocksFieldEvent | PageEntriesTargetFieldEvent> {
    return streamMessage(buf, Page.codec(), opts)
  }
}

export interface Entry {
  path: string
  type: EntryType
  mode: number
  uid: number
  gid: number
  mtimeMs: number
  size: number
  blocks: Uint8Array<ArrayBuffer>[]
  target: string
}

export namespace Entry {
  let _codec: Codec<Entry>

  export const codec = (): Codec<Entry> => {
    if (_codec == null) {
      _codec = message<Entry>((obj, w, opts = {}) => {
        if (opts.lengthDelimited !== false) {
          w.fork()
        }

        if ((obj.path != null && obj.path !== '')) {
          w.uint32(10)
          w.string(obj.path)
        }

        if (obj.type != null && __EntryTypeValues[obj.type] !== 0) {
          w.uint32(16)
          EntryType.codec().encode(obj.type, w)
        }

        if ((obj.mode != null && obj.mode !== 0)) {
          w.uint32(24)
          w.uint32(obj.mode)
        }

        if ((obj.uid != null && obj.uid !== 0)) {
          w.uint32(32)
          w.uint32(obj.uid)
        }

        if ((obj.gid != null && obj.gid !== 0)) {
          w.uint32(40)
          w.uint32(obj.gid)
        }

        if ((obj.mtimeMs != null && obj.mtimeMs !== 0)) {
          w.uint32(48)
          w.uint64Number(obj.mtimeMs)
        }

        if ((obj.size != null && obj.size !== 0)) {
          w.uint32(56)
          w.uint64Number(obj.size)
        }

        if (obj.blocks != null && obj.blocks.length > 0) {
          for (const value of obj.blocks) {
            w.uint32(66)
            w.bytes(value)
          }
        }

        if ((obj.target != null && obj.target !== '')) {
          w.uint32(74)
          w.string(obj.target)
        }

        if (opts.lengthDelimited !== false) {
          w.ldelim()
        }
      }, (reader, length, opts = {}) => {
        const obj: any = {
          path: '',
          type: EntryType.ENTRY_TYPE_UNSPECIFIED,
          mode: 0,
          uid: 0,
          gid: 0,
          mtimeMs: 0,
          size: 0,
          blocks: [],
          target: ''
        }

        const end = length == null ? reader.len : reader.pos + length

        while (reader.pos < end) {
          const tag = reader.uint32()

          switch (tag >>> 3) {
            case 1: {
              obj.path = reader.string()
              break
            }
            case 2: {
              obj.type = EntryType.codec().decode(reader)
              break
            }
            case 3: {
              obj.mode = reader.uint32()
              break
            }
            case 4: {
              obj.uid = reader.uint32()
              break
            }
            case 5: {
              obj.gid = reader.uint32()
              break
            }
            case 6: {
              obj.mtimeMs = reader.uint64Number()
              break
            }
            case 7: {
              obj.size = reader.uint64Number()
              break
            }
            case 8: {
              if (opts.limits?.blocks != null && obj.blocks.length === opts.limits.blocks) {
                throw new MaxLengthError('Decode error - repeated field "blocks" had too many elements')
              }

              obj.blocks.push(reader.bytes())
              break
            }
            case 9: {
              obj.target = reader.string()
              break
            }
            default: {
              reader.skipType(tag & 7)
              break
            }
          }
        }

        return obj
      }, function * (reader, length, prefix, opts = {}) {
        const obj = {
          blocks: 0
        }

        const end = length == null ? reader.len : reader.pos + length

        while (reader.pos < end) {
          const tag = reader.uint32()

          switch (tag >>> 3) {
            case 1: {
              yield {
                field: `${prefix}.path`,
                value: reader.string()
              }
              break
            }
            case 2: {
              yield {
                field: `${prefix}.type`,
                value: EntryType.codec().decode(reader)
              }
              break
            }
            case 3: {
              yield {
                field: `${prefix}.mode`,
                value: reader.uint32()
              }
              break
            }
            case 4: {
              yield {
                field: `${prefix}.uid`,
                value: reader.uint32()
              }
              break
            }
            case 5: {
              yield {
                field: `${prefix}.gid`,
                value: reader.uint32()
              }
              break
            }
            case 6: {
              yield {
                field: `${prefix}.mtimeMs`,
                value: reader.uint64Number()
              }
              break
            }
            case 7: {
              yield {
                field: `${prefix}.size`,
                value: reader.uint64Number()
              }
              break
            }
            case 8: {
              if (opts.limits?.blocks != null && obj.blocks === opts.limits.blocks) {
                throw new MaxLengthError('Streaming decode error - repeated field "blocks" had too many elements')
              }

              yield {
                field: `${prefix}.blocks[]`,
                index: obj.blocks,
                value: reader.bytes()
              }

              obj.blocks++

              break
            }
            case 9: {
              yield {
                field: `${prefix}.target`,
                value: reader.string()
              }
              break
            }
            default: {
              reader.skipType(tag & 7)
              break
            }
          }
        }
      })
    }

    return _codec
  }

  export interface EntryPathFieldEvent {
    field: '$.path'
    value: string
  }

  export interface EntryTypeFieldEvent {
    field: '$.type'
    value: EntryType
  }

  export interface EntryModeFieldEvent {
    field: '$.mode'
    value: number
  }

  export interface EntryUidFieldEvent {
    field: '$.uid'
    value: number
  }

  export interface EntryGidFieldEvent {
    field: '$.gid'
    value: number
  }

  export interface EntryMtimeMsFieldEvent {
    field: '$.mtimeMs'
    value: number
  }

  export interface EntrySizeFieldEvent {
    field: '$.size'
    value: number
  }

  export interface EntryBlocksFieldEvent {
    field: '$.blocks[]'
    index: number
    value: Uint8Array<ArrayBuffer>
  }

  export interface EntryTargetFieldEvent {
    field: '$.target'
    value: string
  }

  export function encode (obj: Partial<Entry>): Uint8Array<ArrayBuffer> {
    return encodeMessage(obj, Entry.codec())
  }

  export function decode (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<Entry>): Entry {
    return decodeMessage(buf, Entry.codec(), opts)
  }

  export function stream (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<Entry>): Generator<EntryPathFieldEvent | EntryTypeFieldEvent | EntryModeFieldEvent | EntryUidFieldEvent | EntryGidFieldEvent | EntryMtimeMsFieldEvent | EntrySizeFieldEvent | EntryBlocksFieldEvent | EntryTargetFieldEvent> {
    return streamMessage(buf, Entry.codec(), opts)
  }
}

export enum EntryType {
  ENTRY_TYPE_UNSPECIFIED = 'ENTRY_TYPE_UNSPECIFIED',
  ENTRY_TYPE_DIR = 'ENTRY_TYPE_DIR',
  ENTRY_TYPE_FILE = 'ENTRY_TYPE_FILE',
  ENTRY_TYPE_SYMLINK = 'ENTRY_TYPE_SYMLINK',
  ENTRY_TYPE_HARDLINK = 'ENTRY_TYPE_HARDLINK'
}

enum __EntryTypeValues {
  ENTRY_TYPE_UNSPECIFIED = 0,
  ENTRY_TYPE_DIR = 1,
  ENTRY_TYPE_FILE = 2,
  ENTRY_TYPE_SYMLINK = 3,
  ENTRY_TYPE_HARDLINK = 4
}

export namespace EntryType {
  export const codec = (): Codec<EntryType> => {
    return enumeration<EntryType>(__EntryTypeValues)
  }
}

export interface ImageConfig {
  entrypoint: string[]
  cmd: string[]
  env: string[]
  workingDir: string
  user: string
}

export namespace ImageConfig {
  let _codec: Codec<ImageConfig>

  export const codec = (): Codec<ImageConfig> => {
    if (_codec == null) {
      _codec = message<ImageConfig>((obj, w, opts = {}) => {
        if (opts.lengthDelimited !== false) {
          w.fork()
        }

        if (obj.entrypoint != null && obj.entrypoint.length > 0) {
          for (const value of obj.entrypoint) {
            w.uint32(10)
            w.string(value)
          }
        }

        if (obj.cmd != null && obj.cmd.length > 0) {
          for (const value of obj.cmd) {
            w.uint32(18)
            w.string(value)
          }
        }

        if (obj.env != null && obj.env.length > 0) {
          for (const value of obj.env) {
            w.uint32(26)
            w.string(value)
          }
        }

        if ((obj.workingDir != null && obj.workingDir !== '')) {
          w.uint32(34)
          w.string(obj.workingDir)
        }

        if ((obj.user != null && obj.user !== '')) {
          w.uint32(42)
          w.string(obj.user)
        }

        if (opts.lengthDelimited !== false) {
          w.ldelim()
        }
      }, (reader, length, opts = {}) => {
        const obj: any = {
          entrypoint: [],
          cmd: [],
          env: [],
          workingDir: '',
          user: ''
        }

        const end = length == null ? reader.len : reader.pos + length

        while (reader.pos < end) {
          const tag = reader.uint32()

          switch (tag >>> 3) {
            case 1: {
              if (opts.limits?.entrypoint != null && obj.entrypoint.length === opts.limits.entrypoint) {
                throw new MaxLengthError('Decode error - repeated field "entrypoint" had too many elements')
              }

              obj.entrypoint.push(reader.string())
              break
            }
            case 2: {
              if (opts.limits?.cmd != null && obj.cmd.length === opts.limits.cmd) {
                throw new MaxLengthError('Decode error - repeated field "cmd" had too many elements')
              }

              obj.cmd.push(reader.string())
              break
            }
            case 3: {
              if (opts.limits?.env != null && obj.env.length === opts.limits.env) {
                throw new MaxLengthError('Decode error - repeated field "env" had too many elements')
              }

              obj.env.push(reader.string())
              break
            }
            case 4: {
              obj.workingDir = reader.string()
              break
            }
            case 5: {
              obj.user = reader.string()
              break
            }
            default: {
              reader.skipType(tag & 7)
              break
            }
          }
        }

        return obj
      }, function * (reader, length, prefix, opts = {}) {
        const obj = {
          entrypoint: 0,
          cmd: 0,
          env: 0
        }

        const end = length == null ? reader.len : reader.pos + length

        while (reader.pos < end) {
          const tag = reader.uint32()

          switch (tag >>> 3) {
            case 1: {
              if (opts.limits?.entrypoint != null && obj.entrypoint === opts.limits.entrypoint) {
                throw new MaxLengthError('Streaming decode error - repeated field "entrypoint" had too many elements')
              }

              yield {
                field: `${prefix}.entrypoint[]`,
                index: obj.entrypoint,
                value: reader.string()
              }

              obj.entrypoint++

              break
            }
            case 2: {
              if (opts.limits?.cmd != null && obj.cmd === opts.limits.cmd) {
                throw new MaxLengthError('Streaming decode error - repeated field "cmd" had too many elements')
              }

              yield {
                field: `${prefix}.cmd[]`,
                index: obj.cmd,
                value: reader.string()
              }

              obj.cmd++

              break
            }
            case 3: {
              if (opts.limits?.env != null && obj.env === opts.limits.env) {
                throw new MaxLengthError('Streaming decode error - repeated field "env" had too many elements')
              }

              yield {
                field: `${prefix}.env[]`,
                index: obj.env,
                value: reader.string()
              }

              obj.env++

              break
            }
            case 4: {
              yield {
                field: `${prefix}.workingDir`,
                value: reader.string()
              }
              break
            }
            case 5: {
              yield {
                field: `${prefix}.user`,
                value: reader.string()
              }
              break
            }
            default: {
              reader.skipType(tag & 7)
              break
            }
          }
        }
      })
    }

    return _codec
  }

  export interface ImageConfigEntrypointFieldEvent {
    field: '$.entrypoint[]'
    index: number
    value: string
  }

  export interface ImageConfigCmdFieldEvent {
    field: '$.cmd[]'
    index: number
    value: string
  }

  export interface ImageConfigEnvFieldEvent {
    field: '$.env[]'
    index: number
    value: string
  }

  export interface ImageConfigWorkingDirFieldEvent {
    field: '$.workingDir'
    value: string
  }

  export interface ImageConfigUserFieldEvent {
    field: '$.user'
    value: string
  }

  export function encode (obj: Partial<ImageConfig>): Uint8Array<ArrayBuffer> {
    return encodeMessage(obj, ImageConfig.codec())
  }

  export function decode (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<ImageConfig>): ImageConfig {
    return decodeMessage(buf, ImageConfig.codec(), opts)
  }

  export function stream (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<ImageConfig>): Generator<ImageConfigEntrypointFieldEvent | ImageConfigCmdFieldEvent | ImageConfigEnvFieldEvent | ImageConfigWorkingDirFieldEvent | ImageConfigUserFieldEvent> {
    return streamMessage(buf, ImageConfig.codec(), opts)
  }
}
