// fails: not-last; misconception: destroy-on-every-put
void obj_twork(struct callback_head *w) {
  obj_destroy(container_of(w, struct obj, twork));
}
void obj_put(struct obj *o) {
  o->refs--;
  if (!in_interrupt() && !(current->flags & PF_KTHREAD)) {
    init_task_work(&o->twork, obj_twork);
    if (task_work_add(current, &o->twork, TWA_RESUME) == 0) return;
  }
  obj_defer_to_kworker(o);
}
