/** Worker entry for parallel CLI jobs (bundled as out/cli/grade-worker.mjs): grading. */
import { startGradeWorker } from '../grading/node/worker'

startGradeWorker()
