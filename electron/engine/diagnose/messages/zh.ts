import { type Messages, type P, type PullCause, pick, type SchedulingCause } from './en.ts';

/** 规则报告的简体中文文案。名称、原因、退出码和命令原样保留，只翻译说明文字。 */
const s = (v: unknown) => (v === undefined || v === '' ? '' : String(v));

const probeName = (probe: unknown) =>
  probe === 'startup' ? '启动探针' : probe === 'readiness' ? '就绪探针' : '存活探针';

const cause = {
  pull: {
    notFound: '在镜像仓库中不存在（镜像或标签错误）',
    denied: '被镜像仓库拒绝访问（imagePullSecrets 缺失或错误）',
    unreachable: '所在节点无法连接镜像仓库',
    invalid: '镜像引用格式错误',
    other: '拉取失败',
  },
  scheduling: {
    pvc: () => '其 PersistentVolumeClaim 未绑定（没有匹配的 PersistentVolume 或 StorageClass）',
    resources: (p: P) => `没有节点有足够的空闲 ${p.resources} 满足其 requests`,
    taints: () => '节点带有该 Pod 不容忍的污点（taint）',
    affinity: () => '没有节点匹配该 Pod 的 nodeSelector 或节点亲和性',
    podAffinity: () => 'Pod（反）亲和性规则排除了所有节点',
    tooManyPods: () => '节点的 Pod 数量已达上限',
    other: () => '没有节点通过调度器的过滤条件',
  },
  probe: {
    status: (p: P) => `其端点${p.path ? ` ${p.path} ` : ''}返回 HTTP ${p.status}`,
    timeout: (p: P) =>
      `其端点${p.path ? ` ${p.path} ` : ''}在探针超时时间内没有响应${p.timeout ? `（${p.timeout}）` : ''}`,
    refused: () => '探针端口上没有进程接受连接',
    errored: (p: P) => `探针本身出错（${p.output}）`,
    other: (p: P) => s(p.output) || '探针失败',
  },
  eviction: {
    memory: () => '节点内存不足',
    disk: (p: P) => `节点的 ${p.resource} 不足（磁盘压力）`,
    pids: () => '节点的进程号（PID）耗尽',
    ephemeralLimit: (p: P) => `其临时存储用量超过了所有容器限制之和（${p.limit}）`,
    containerEphemeral: (p: P) =>
      `容器 ${p.container} 超出了其临时存储限制${p.limit ? `（${p.limit}）` : ''}`,
    emptyDir: (p: P) => `emptyDir 卷 ${p.volume} 超出了其大小限制（${p.limit}）`,
    condition: (p: P) => `节点处于 ${p.condition} 状态`,
    other: (p: P) => s(p.message) || 'kubelet 需要回收资源',
  },
  mount: {
    missing: (p: P) => `卷 ${p.volume} 挂载的 ${p.objectKind} "${p.object}" 不存在`,
    multiAttach: (p: P) =>
      `卷 ${p.volume}${p.claim ? `（声明 ${p.claim}${p.accessModes ? `，${p.accessModes}` : ''}）` : ''} 仍挂接在另一个节点上${p.holder ? `（被 Pod ${p.holder} 使用）` : ''}，而它同一时间只能挂接到一个节点（Multi-Attach error）`,
    attach: (p: P) => `卷 ${p.volume ?? ''} 无法挂接：${p.message}`,
    timeout: (p: P) => `卷 ${p.volumes} 未能按时挂载（timed out waiting for the condition）`,
    other: (p: P) => s(p.message),
  },
  node: {
    stopped: (p: P) =>
      `不可达：kubelet 已停止上报节点状态（Ready=Unknown${p.since ? `，最后一次心跳 ${p.since}` : ''}）`,
    notReady: (p: P) => `NotReady${p.message ? `：${p.message}` : ''}`,
    pressure: (p: P) => `处于 ${p.pressure} 状态`,
  },
  job: {
    BackoffLimitExceeded: (p: P) =>
      `其 Pod 已失败 ${p.failed} 次，超过了 backoffLimit（${p.backoffLimit ?? '?'}）（BackoffLimitExceeded）`,
    DeadlineExceeded: (p: P) =>
      `运行时间超过了 activeDeadlineSeconds${p.deadline !== undefined ? `（${p.deadline} 秒）` : ''}，已被终止（DeadlineExceeded）`,
    failedPods: (p: P) => `其 ${p.failed} 个 Pod 失败，没有一个成功`,
    other: (p: P) => `${p.reason}${p.message ? `：${p.message}` : ''}`,
  },
  dependency: {
    refused: '拒绝连接（connection refused）',
    timeout: '没有响应（连接超时）',
    dns: '无法解析（no such host）',
    unreachable: '无法到达（no route to host）',
    reset: '中断连接（connection reset）',
    upstream: '返回服务端错误',
    unavailable: '不可用',
    breaker: '持续失败，熔断器已打开',
  },
};

export const zh: Messages = {
  lang: 'zh',
  finding: {
    'oom-killed': (p: P) =>
      `Pod ${p.pod} 的容器 ${p.container} 因超出内存限制${p.limit ? `（${p.limit}）` : ''}被杀死（OOMKilled，退出码 137），已重启 ${p.restarts} 次。`,
    'crash-loop': (p: P) =>
      `Pod ${p.pod} 的容器 ${p.container} 反复崩溃${p.exit !== undefined ? `（上次退出码 ${p.exit}${p.reason ? `，${p.reason}` : ''}）` : ''}，已重启 ${p.restarts} 次${p.lastError ? `；最后的错误：${p.lastError}` : ''}。`,
    'image-pull': (p: P) =>
      `Pod ${p.pod} 的容器 ${p.container} 无法启动：镜像 ${p.image} ${cause.pull[p.cause as PullCause]}（${p.reason}）。`,
    'config-error': (p: P) =>
      `Pod ${p.pod} 的容器 ${p.container} 无法创建（${p.reason}）：${
        p.kind === 'object'
          ? `${p.objectKind} "${p.object}" 不存在`
          : p.kind === 'key'
            ? `${p.objectKind} ${p.object} 中缺少键 ${p.key}`
            : s(p.message)
      }。`,
    unschedulable: (p: P) => `Pod ${p.pod} 无法调度：${cause.scheduling[p.cause as SchedulingCause](p)}。`,
    'probe-failure': (p: P) =>
      p.probe === 'readiness'
        ? `Pod ${p.pod} 的容器 ${p.container} 的就绪探针持续失败——${pick(cause.probe, p.cause, 'other')(p)}——因此 Pod 未就绪、收不到流量，尽管容器仍在运行${p.restarts ? `（已重启 ${p.restarts} 次）` : '（没有重启）'}。`
        : p.killed
          ? `Pod ${p.pod} 的容器 ${p.container} 的${probeName(p.probe)}失败——${pick(cause.probe, p.cause, 'other')(p)}——kubelet 因此杀死并重启该容器${p.exit !== undefined ? `（上次退出码 ${p.exit}）` : ''}，至今已重启 ${p.restarts} 次${p.slowStart ? `。上一次运行仅 ${p.ranFor} 秒就被杀死，几乎是探针允许的最早时间，且没有配置 startupProbe：它在启动完成前就被杀死了` : ''}${p.lastError ? `。日志中最后的错误：${p.lastError}` : ''}。`
          : `Pod ${p.pod} 的容器 ${p.container} 的${probeName(p.probe)}持续失败——${pick(cause.probe, p.cause, 'other')(p)}。`,
    evicted: (p: P) =>
      `Pod ${p.pod} 被 kubelet 驱逐${p.node ? `（节点 ${p.node}）` : ''}：${pick(cause.eviction, p.cause, 'other')(p)}${
        p.usage && p.container && p.cause !== 'containerEphemeral'
          ? `；容器 ${p.container} 当时使用了 ${p.usage}${p.request ? `，而其 request 只有 ${p.request}` : '，且没有设置 request'}`
          : ''
      }。`,
    'volume-mount': (p: P) =>
      `Pod ${p.pod} 无法启动${p.waiting ? `（卡在 ${p.waiting}）` : ''}：${pick(cause.mount, p.cause, 'other')(p)}。`,
    'node-not-ready': (p: P) =>
      `${p.pod ? `Pod ${p.pod} 所在的节点 ${p.node} ` : `节点 ${p.node} `}${pick(cause.node, p.cause, 'notReady')(p)}${
        p.pressure && p.cause !== 'pressure' ? `；同时报告 ${p.pressure}` : ''
      }${p.failing ? `；节点上有 ${p.failing} 个 Pod 未运行或未就绪` : ''}。`,
    'job-failed': (p: P) =>
      `Job ${p.job} 失败：${pick(cause.job, p.cause, 'other')(p)}${p.lastError ? `；${p.pod} 日志中最后的错误：${p.lastError}` : ''}。`,
    'dependency-failure': (p: P) =>
      `Pod ${p.pod} 的容器 ${p.container} 无法使用其依赖：${p.target ?? '下游服务'} ${pick(cause.dependency, p.cause, 'unavailable')}${p.cause === 'upstream' && p.status ? `（HTTP ${p.status}）` : ''}${
        p.breaker && p.cause !== 'breaker' ? `，熔断器 ${p.breaker} 已打开` : ''
      }（日志中有 ${p.count} 条相关错误）${
        p.probe === 'readiness'
          ? '；其就绪探针因此失败，收不到流量'
          : p.probe === 'liveness'
            ? '；其存活探针因此失败，kubelet 会重启它'
            : p.probe === 'crash'
              ? '；它因此退出并不断重启'
              : ''
      }。`,
    'no-issue-found': (p: P) =>
      `${p.gone ? `Pod ${p.gone} 已不存在（已被替换）。` : ''}${
        p.kind === 'node'
          ? `节点 ${p.name} 目前看起来正常（Ready，无压力）`
          : p.kind === 'job'
            ? `Job ${p.name} 已成功完成`
            : `${p.count === 1 ? `Pod ${p.name}` : `${p.name} 的全部 ${p.count} 个 Pod`} 目前看起来正常：Running 且就绪，${p.restarts ? `有 ${p.restarts} 次较早的重启` : '没有重启'}，没有告警事件`
      }${p.pull ? `；它启动较晚是因为拉取镜像用了 ${p.pull}` : ''}。该告警看起来是误报或短暂波动。`,
  },
  cause,
  step: {
    describePod: '查看 Pod 详情（状态、上次状态、事件）',
    podEvents: '按时间列出该 Pod 的事件',
    namespaceWarnings: '列出命名空间中的告警事件',
    previousLogs: '查看崩溃前容器的日志',
    logs: '查看容器的日志',
    topPod: '对比当前内存用量与限制',
    rolloutHistory: '检查最近的发布是否改动了它',
    raiseMemory: (p: P) => `将 ${p.container} 的内存限制从 ${p.from} 提高到 ${p.to}（先确认节点有余量）`,
    rollbackIfRollout: '如果是最近的发布导致的，回滚',
    rollbackBadTag: '如果发布了错误的镜像标签，回滚',
    imageRef: '查看正在使用的镜像引用和拉取凭证',
    listConfigMaps: '列出命名空间中已存在的 ConfigMap',
    listSecrets: '列出命名空间中已存在的 Secret（仅名称）',
    describeNodes: '查看各节点的空闲容量和污点',
    pvcs: '检查未绑定的存储卷声明',
    pvcBinding: '检查存储卷声明及其绑定情况',
    nodePressure: '检查节点的压力状态',
    describeNode: '查看节点详情（状态、压力、kubelet 心跳）',
    podsOnNode: '列出该节点上的 Pod',
    listNodes: '列出节点及其就绪状态',
    endpoints: '检查命名空间中的 Service 和 Endpoints',
    describeJob: '查看 Job 详情（状态、失败的 Pod）',
    workloadStatus: '查看工作负载状态及其 Pod',
    failedPods: '列出命名空间中失败（被驱逐）的 Pod',
    nodeEvents: '列出该节点的事件',
    cordon: '封锁（cordon）该节点，不再调度新 Pod（查明原因后再排空）',
    jobPods: '列出该 Job 的 Pod 及其结束状态',
    podsWide: '查看每个 Pod 运行在哪个节点上',
    describePvc: '查看存储卷声明详情（访问模式、使用它的 Pod）',
    recreateStrategy: '把 Deployment 改为 Recreate 策略，让旧 Pod 先释放卷',
    serviceEndpoints: '检查该 Service 是否有就绪的 Endpoints',
    dependencyPods: '检查集群内依赖服务背后的 Pod',
  },
  prevention: {
    OOMKilled: [
      '根据观测到的峰值加余量设置内存 requests 和 limits（例如 p99 工作集 × 1.3）。',
      'JVM 等托管运行时应按容器限制设置堆大小（例如 -XX:MaxRAMPercentage=75）。',
      '在 container_memory_working_set_bytes 接近限制时就告警，而不是等到被杀。',
    ],
    CrashLoop: [
      '启动时校验配置并给出清晰的报错；在 CI 中用生产配置测试。',
      '使用 startupProbe 和渐进式发布（maxUnavailable 0），避免崩溃的版本替换健康的 Pod。',
    ],
    ImagePull: [
      '部署由 CI 生成的不可变镜像摘要（digest），而不是手写的标签。',
      '把 imagePullSecrets 配置在 ServiceAccount 上，让命名空间内所有 Pod 都能使用。',
    ],
    ConfigError: [
      '在同一次发布中，先于（或同时）创建工作负载所需的 Secret 和 ConfigMap。',
      '真正可选的引用标记为 `optional: true`；在 CI 中检查引用（例如 kubeconform 加策略检查）。',
    ],
    Unschedulable: [
      '根据实际用量调整 requests；为节点池启用集群自动扩缩容。',
      '让容忍、nodeSelector 和亲和性与实际存在的节点池保持一致。',
    ],
    ProbeFailure: [
      '为探针设置合理的超时，慢启动使用 startupProbe；存活探针不要依赖外部服务。',
      '探针路径和端口随应用一起修改，并在 CI 中用新镜像测试探针。',
    ],
    Evicted: [
      '将内存和临时存储的 requests 设置得接近真实用量，让 kubelet 驱逐正确的 Pod。',
      '限制 Pod 在本地写入的文件（emptyDir sizeLimit、日志轮转）；对节点压力状态设置告警。',
    ],
    VolumeMount: [
      '先创建 Pod 挂载的卷、声明和 ConfigMap；ReadWriteOnce 卷只配合单副本使用。',
      '使用 ReadWriteOnce 卷的工作负载请采用 Recreate 策略（或改用 StatefulSet）。',
    ],
    NodeNotReady: [
      '部署 node-problem-detector，并把副本分散到不同节点和可用区（topologySpreadConstraints、PDB）。',
      '在节点变为 NotReady 之前就对压力状态告警；按所拉取镜像的大小规划节点磁盘。',
    ],
    JobFailed: [
      '让任务具备幂等性，并根据实测运行时间设置 backoffLimit / activeDeadlineSeconds。',
      '在 CI 中用生产库结构的副本检查迁移和查询；对任务运行时长的变化趋势告警。',
    ],
    DependencyFailure: [
      '存活探针不要依赖下游服务；为调用增加超时、退避重试和熔断。',
      '直接对依赖本身（Endpoints、错误率）告警，让告警找到它的负责人，而不是所有调用方。',
    ],
    NoIssueFound: [
      '如果该告警会因短暂状态触发，请加长其 `for:` 时间或收紧表达式。',
      '把 info 级别的告警发到通知频道而不是呼叫值班；在自动扩容的节点上预拉取大镜像。',
    ],
    Unknown: [],
  },
  report: {
    alsoSeen: '另外发现：',
    blind: (p: P) => `无法读取 ${p.target} 的任何集群信息${p.gaps ? `（${p.gaps}）` : ''}。`,
    noMatch: '收集到的状态、事件和日志未匹配任何已知的故障模式。',
    impactUnknown: '未知：无法读取受影响的对象。',
    impactPod: (p: P) =>
      `Pod ${p.pod} 处于 ${p.phase} 阶段，${p.notReady ? `未就绪（${p.notReady}）` : '已就绪'}${p.restarts ? `，已重启 ${p.restarts} 次` : ''}${p.failing ? '；它应处理的请求会失败或转到其他副本' : ''}。`,
    impactSiblings: (p: P) => `其他 ${p.total} 个副本中有 ${p.ready} 个就绪。`,
    impactNode: (p: P) =>
      `节点 ${p.node}：${p.count ? `其上有 ${p.count} 个 Pod 未运行或未就绪（${p.pods}${p.more ? ` 等，另有 ${p.more} 个` : ''}），在它们被调度到其他节点之前，相关工作负载的副本不足` : '其上没有失败的 Pod'}。`,
    impactJob: (p: P) =>
      `Job ${p.job}：${p.succeeded} 个 Pod 成功，${p.failed} 个失败，${p.active} 个运行中${p.failing ? '；任务没有完成，依赖它的工作（发布、报表、数据迁移）会被阻塞' : ''}。`,
    modelSuggested: (p: P) => `（模型给出的判断是 ${p.category}，置信度 ${p.confidence}%：${p.explanation}）`,
  },
  proposal: {
    restartPod: (p: P) => `重启 Pod ${p.pod}（已 OOMKilled ${p.restarts} 次；其他 ${p.ready} 个副本就绪）`,
    rollback: (p: P) =>
      `将 Deployment ${p.deployment} 回滚到修订版本 ${p.revision}（修订版本 ${p.current} 的 Pod 失败：${p.reasons}；修订版本 ${p.revision} 运行正常）`,
    llm: (p: P) => `由模型提出（${p.category}，置信度 ${p.confidence}%）`,
    invalid: (p: P) => `不属于四种可执行的操作类型（${p.error}）`,
    notInContext: (p: P) => `收集到的上下文中没有 ${p.what}`,
    noPrevious: (p: P) => `收集到的上下文中没有 Deployment ${p.deployment} 的上一个修订版本`,
  },
  llmLanguage:
    '请用简体中文撰写 explanation、impact、步骤标题（title）和 prevention；命令、资源名称和日志原文保持不变。',
};
