/** Worker entry for parallel CLI jobs (grading, replays); filled in by those commands. */
export {}
