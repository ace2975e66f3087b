export { createDevtools, type Devtools } from './createDevtools.js';
export { instrument, splitWarnings } from './instrument.js';
export {
  createRecorder,
  sourceName,
  targetName,
  type FrameRecord,
  type InvalidationRecord,
  type Recorder,
  type RequestRecord,
  type SocketRecord,
  type SourceName,
  type WarningRecord,
} from './recorder.js';
