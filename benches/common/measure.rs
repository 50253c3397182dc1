//! What the benchmarks read about a process: CPU time and RSS from `/proc`,
//! percentiles of latencies, and the cores the server and generator run on.

/// CPU time and resident memory of one process at one moment.
#[derive(Clone, Copy, Debug)]
pub struct Usage {
    /// User+system clock ticks so far.
    ticks: u64,
    /// Resident pages.
    pages: u64,
}

impl Usage {
    /// Reads `/proc/<pid>/stat` and `/proc/<pid>/statm` (zero when unreadable).
    pub fn of(pid: u64) -> Self {
        let stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).unwrap_or_default();
        let statm = std::fs::read_to_string(format!("/proc/{pid}/statm")).unwrap_or_default();
        Self {
            ticks: pnl_voice::cpu::cpu_ticks(&stat).unwrap_or(0),
            pages: statm
                .split_whitespace()
                .nth(1)
                .and_then(|p| p.parse().ok())
                .unwrap_or(0),
        }
    }

    /// This generator's own usage.
    pub fn own() -> Self {
        Self::of(std::process::id().into())
    }

    /// CPU used since `earlier`, as percent of one core over `secs` seconds.
    pub fn cpu_percent_since(&self, earlier: &Usage, secs: f64) -> f64 {
        // SAFETY: sysconf only reads a system constant.
        let hz = unsafe { libc::sysconf(libc::_SC_CLK_TCK) } as f64;
        100.0 * self.ticks.saturating_sub(earlier.ticks) as f64 / hz / secs
    }

    /// Resident memory in MiB.
    pub fn rss_mib(&self) -> f64 {
        // SAFETY: sysconf only reads a system constant.
        let page = unsafe { libc::sysconf(libc::_SC_PAGESIZE) } as f64;
        self.pages as f64 * page / (1024.0 * 1024.0)
    }
}

/// The `p` quantile (0 to 1) of `values`, nearest rank; NaN when empty.
pub fn percentile(values: &mut [f64], p: f64) -> f64 {
    if values.is_empty() {
        return f64::NAN;
    }
    values.sort_by(|a, b| a.total_cmp(b));
    values[((values.len() - 1) as f64 * p).round() as usize]
}

/// Pins the server (every thread of `pid`; threads it starts later inherit
/// the core) to the last core and this generator to the others, when the
/// machine has more than one core.
pub fn pin(pid: u64) {
    let cores = num_cpus::get();
    if cores < 2 {
        return;
    }
    let server = cpu_set(&mut std::iter::once(cores - 1));
    let generator = cpu_set(&mut (0..cores - 1));
    set_affinity(&format!("/proc/{pid}/task"), &server);
    // Threads started later inherit this; tokio's are already running, so
    // pin each of ours too.
    set_affinity("/proc/self/task", &generator);
}

/// Where a thread of this process runs: on the server's core or the generator's.
#[derive(Clone, Copy, Debug)]
pub enum Side {
    /// The last core, where [`pin`] puts the server.
    Server,
    /// The other cores.
    Generator,
}

/// Pins the calling thread to `side`'s cores (as [`pin`] lays them out),
/// when the machine has more than one core.
pub fn pin_this_thread(side: Side) {
    let cores = num_cpus::get();
    if cores < 2 {
        return;
    }
    let set = match side {
        Side::Server => cpu_set(&mut std::iter::once(cores - 1)),
        Side::Generator => cpu_set(&mut (0..cores - 1)),
    };
    // SAFETY: pid 0 is the calling thread; the set is a valid cpu_set_t.
    unsafe { libc::sched_setaffinity(0, std::mem::size_of::<libc::cpu_set_t>(), &set) };
}

/// CPU time the calling thread has used so far.
pub fn thread_cpu_time() -> std::time::Duration {
    let mut now = libc::timespec {
        tv_sec: 0,
        tv_nsec: 0,
    };
    // SAFETY: clock_gettime writes one timespec, which `now` is.
    unsafe { libc::clock_gettime(libc::CLOCK_THREAD_CPUTIME_ID, &mut now) };
    std::time::Duration::new(now.tv_sec as u64, now.tv_nsec as u32)
}

fn cpu_set(cpus: &mut dyn Iterator<Item = usize>) -> libc::cpu_set_t {
    // SAFETY: a zeroed cpu_set_t is the empty set; CPU_SET writes within it.
    let mut set: libc::cpu_set_t = unsafe { std::mem::zeroed() };
    for cpu in cpus {
        unsafe { libc::CPU_SET(cpu, &mut set) };
    }
    set
}

/// Sets the affinity of every thread listed in `tasks` (a `/proc/…/task` folder).
fn set_affinity(tasks: &str, set: &libc::cpu_set_t) {
    let size = std::mem::size_of::<libc::cpu_set_t>();
    for tid in std::fs::read_dir(tasks)
        .into_iter()
        .flatten()
        .flatten()
        .filter_map(|t| t.file_name().to_str()?.parse::<i32>().ok())
    {
        // SAFETY: setting the affinity of a thread of this process or of our child.
        unsafe { libc::sched_setaffinity(tid, size, set) };
    }
}
