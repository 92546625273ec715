// Swift's dynamic exclusivity checks keep the accesses a thread has open in a linked list
// whose records live on the stack and whose head is a thread-local. A fiber that switches
// with an access open leaves its record in that list: the next fiber on the thread would
// see it (a false conflict), and a fiber resumed on another worker would end an access
// its new thread never saw (a runtime abort). The runtime's task hand-over solves the same
// problem for async tasks: on a switch out, the fiber's records are cut from the thread's
// list into two words it keeps; on a switch in they are put back on top. Both calls run on
// the worker thread, before and after the raw switch.

/// Puts the accesses saved in `state` (two words) back on top of this thread's list.
@_extern(c, "swift_task_enterThreadLocalContext")
func swift_task_enterThreadLocalContext(_ state: UnsafeMutablePointer<UInt>)

/// Moves the accesses opened since the matching enter from this thread's list into `state`.
@_extern(c, "swift_task_exitThreadLocalContext")
func swift_task_exitThreadLocalContext(_ state: UnsafeMutablePointer<UInt>)
