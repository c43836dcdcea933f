// The records of the C API's JSON (docs/c-api.md), as Codable structs. Keys are
// the JSON's snake_case names; fields the app leaves nil are not sent.
import Foundation

public struct Unit: Codable, Equatable {
  public var id: String?
  public var code: String?
  public var name: String?
  public var kind: String?
  public var parentId: String?
  public var scope: String?
  public init(code: String, name: String, kind: String, parentId: String? = nil) {
    self.code = code; self.name = name; self.kind = kind; self.parentId = parentId
  }
}

public struct Meeting: Codable, Equatable {
  public var id: String?
  public var unitId: String?
  public var scope: String?
  public var kind: String?
  public var title: String?
  public var heldAt: String?  // "YYYY-MM-DD HH:MM", local time
  public var place: String?
  public var chair: String?
  public var secretary: String?
  public var attendance: Int64?
  public var departments: [String]?
  public var notes: String?
  public var conclusion: String?
  public var closedAt: String?
  public init(unitId: String, kind: String, heldAt: String, title: String? = nil) {
    self.unitId = unitId; self.kind = kind; self.heldAt = heldAt; self.title = title
  }
}

public struct Opinion: Codable, Equatable {
  public var id: String?
  public var meetingId: String?
  public var unitId: String?
  public var scope: String?
  public var kind: String?
  public var category: String?
  public var content: String?
  public var citizenName: String?
  public var citizenContact: String?
  public var anonymous: Bool?
  public var confidential: Bool?
  public var jurisdiction: String?
  public var escalatedTo: String?
  public var assignedDepartment: String?
  public var status: String?
  public var dueDate: String?
  public var satisfaction: String?
  public var raisedAt: String?
  public var recordedBy: String?
  public init(meetingId: String?, kind: String, category: String, content: String) {
    self.meetingId = meetingId; self.kind = kind; self.category = category; self.content = content
  }
}

public struct Response: Codable, Equatable {
  public var id: String?
  public var opinionId: String?
  public var scope: String?
  public var kind: String?
  public var content: String?
  public var responder: String?
  public var appointmentAt: String?
  public var appointmentPlace: String?
  public var createdAt: String?
  public init(opinionId: String, kind: String, content: String) {
    self.opinionId = opinionId; self.kind = kind; self.content = content
  }
}

public struct StatusChange: Codable, Equatable {
  public var id: String
  public var opinionId: String
  public var scope: String
  public var fromStatus: String
  public var toStatus: String
  public var note: String
  public var changedBy: String
  public var changedAt: String
}

public struct StatusUpdate: Codable, Equatable {
  public var to: String
  public var note: String?
  public var by: String?
  public var at: String?
  public var reopen: Bool?
  public init(to: String, note: String? = nil, by: String? = nil) { self.to = to; self.note = note; self.by = by }
}

public struct OpinionFilter: Codable, Equatable {
  public var scope: String?
  public var meetingId: String?
  public var category: String?
  public var status: String?
  public var from: String?
  public var to: String?
  public var overdueOnly: Bool?
  public var today: String?
  public var text: String?
  public var limit: Int64?
  public init() {}
}

public struct Conflict: Codable, Equatable {
  public var id: String
  public var scope: String
  public var table: String
  public var rowId: String
  public var column: String
  public var winnerValue: String
  public var loserValue: String
  public var winnerHlc: String
  public var loserHlc: String
  public var winnerSite: String
  public var loserSite: String
  public var status: String
  public var resolution: String
  public var resolvedBy: String
}
