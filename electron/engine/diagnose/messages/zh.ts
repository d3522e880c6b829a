import type { Messages, P, PullCause, SchedulingCause } from './en.ts';

/** 规则报告的简体中文文案。名称、原因、退出码和命令原样保留，只翻译说明文字。 */
const s = (v: unknown) => (v === undefined || v === '' ? '' : String(v));

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
  },
  cause,
  step: {
    describePod: '查看 Pod 详情（状态、上次状态、事件）',
    podEvents: '按时间列出该 Pod 的事件',
    namespaceWarnings: '列出命名空间中的告警事件',
    previousLogs: '查看崩溃前容器的日志',
    topPod: '对比当前内存用量与限制',
    rolloutHistory: '检查最近的发布是否改动了它',
    raiseMemory: (p: P) => `将 ${p.container} 的内存限制从 ${p.from} 提高到 ${p.to}（先确认节点有余量）`,
    rollbackIfRollout: '如果是最近的发布导致的，回滚',
    rollbackBadTag: '如果发布了错误的镜像标签，回滚',
    imageRef: '查看正在使用的镜像引用和拉取凭证',
    listConfig: '列出命名空间中已存在的 Secret 和 ConfigMap',
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
    ProbeFailure: ['为探针设置合理的超时，慢启动使用 startupProbe；存活探针不要依赖外部服务。'],
    Evicted: ['将内存和临时存储的 requests 设置得接近真实用量，让 kubelet 驱逐正确的 Pod。'],
    VolumeMount: ['先创建 Pod 挂载的卷、声明和 ConfigMap；ReadWriteOnce 卷只配合单副本使用。'],
    NodeNotReady: [
      '部署 node-problem-detector，并把副本分散到不同节点和可用区（topologySpreadConstraints、PDB）。',
    ],
    JobFailed: ['让任务具备幂等性，并根据实测运行时间设置 backoffLimit / activeDeadlineSeconds。'],
    DependencyFailure: ['存活探针不要依赖下游服务；为调用增加超时、退避重试和熔断。'],
    NoIssueFound: ['如果该告警会因短暂状态触发，请加长其 `for:` 时间或收紧表达式。'],
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
    modelSuggested: (p: P) => `（模型给出的判断是 ${p.category}，置信度 ${p.confidence}%：${p.explanation}）`,
  },
  llmLanguage:
    '请用简体中文撰写 explanation、impact、步骤标题（title）和 prevention；命令、资源名称和日志原文保持不变。',
};
