// fails: before-user-space,not-in-atomic,not-last,kthread,softirq; misconception: destroy-in-place
void obj_put(struct obj *o) {
  if (--o->refs == 0)
    obj_destroy(o);
}
