// fails: before-user-space; misconception: workqueue-is-equivalent
void obj_put(struct obj *o) {
  if (--o->refs > 0) return;
  obj_defer_to_kworker(o);
}
