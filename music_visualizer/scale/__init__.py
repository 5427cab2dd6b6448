"""Scale-out with Ray: many songs (or one song's parts) rendered on many workers.

Stable API (other layers and ``--parallel sections`` build on it):

- :func:`run_tasks(tasks, *, workers=None, address=None, on_progress=None, output_dir=None,
  storage="auto", retries=3, num_cpus=None, cpus_per_worker=None) -> list` runs
  :class:`Task` s on Ray workers and returns their results in input order; a task that
  raised, or whose worker died more than ``retries`` times, is a :class:`TaskFailed` there.
  ``on_progress(ProgressReport)`` gets every task's :class:`TaskProgress` (frames done,
  total, fps, ETA, worker pid) and the total.
- :class:`Task(function, args, label)`: plain data. ``function`` is ``"package.module:name"``,
  called on a worker as ``function(args, ctx)`` with a :class:`TaskContext`:
  ``ctx.progress(done, total, info={...})`` (``info`` reaches the driver's
  ``TaskProgress.info``), ``ctx.models`` (the worker's :class:`ModelCache`: pass it as
  ``load_pipes`` to ``make_renderer`` so the model loads once per worker, not per task),
  ``ctx.shared`` (this worker sees ``output_dir``), ``ctx.scratch`` (a folder on the worker's
  machine). Return any picklable value, or :class:`Returned(value, files)` with
  :func:`ship_files(folder, dest)` to have the driver write files under ``dest`` (how output
  gets home when the workers cannot see the output folder).
  A task must be safe to run again from the start: a killed worker is restarted by Ray and
  its task runs again (a render resumes from its own frames).
- :func:`connect(address, num_cpus=)` / :func:`shutdown` and :class:`Cluster`; every problem
  (Ray not installed, an address nobody answers at) is a :class:`ScaleError` (a ``UserError``).
- :func:`render_batch` (:mod:`~music_visualizer.scale.batch`): songs -> runs, one task each.

Workers: one actor per GPU (``num_gpus=1``) when the cluster has GPUs, else one per share of
the CPUs (``cpus_per_worker``; its numba and ffmpeg threads follow it, its OpenMP threads sleep
while they wait: :func:`~music_visualizer.scale.worker.share_env`; torch's follow Ray's
``OMP_NUM_THREADS``, the share). ``run_tasks`` joins the
Ray this process is already connected to (and leaves it connected), else starts or joins one
and leaves it at the end; its actors are killed when it returns.

Storage (``storage``): ``auto`` writes into the shared output folder when each worker
sees a marker file the driver wrote there, else the task works in ``ctx.scratch`` and ships
its files back through Ray's object store; ``shared`` requires the shared folder;
``object-store`` always ships.
"""

from .cluster import INSTALL_HINT, Cluster, ScaleError, connect, require_ray, shutdown
from .tasks import STORAGE, ProgressReport, TaskFailed, TaskProgress, run_tasks
from .worker import ModelCache, Returned, ShippedFiles, Task, TaskContext, ship_files

__all__ = ["INSTALL_HINT", "STORAGE", "Cluster", "ModelCache", "ProgressReport", "Returned",
           "ScaleError", "ShippedFiles", "Task", "TaskContext", "TaskFailed", "TaskProgress",
           "connect", "require_ray", "run_tasks", "ship_files", "shutdown"]
